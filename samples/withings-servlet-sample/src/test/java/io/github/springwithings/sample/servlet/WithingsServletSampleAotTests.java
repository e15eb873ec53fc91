package io.github.springwithings.sample.servlet;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample processed ahead of time ({@code spring-boot:process-aot}), packaged, and started as
 * its own JVM with {@code -Dspring.aot.enabled=true}: a sign-in through the embedded Withings, the
 * chart of the weights the data sync stored, a fast-forward past the token's expiry whose backstop
 * fetch refreshes it, in headless
 * Chromium. Run by {@code ./mvnw -pl samples/withings-servlet-sample -Paot verify} (failsafe gives
 * the jar); skipped in the plain build.
 */
class WithingsServletSampleAotTests {

	private static final File CHROMIUM = new File("/usr/bin/chromium");

	private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private Process application;

	private Path log;

	private WebDriver browser;

	private WebDriverWait wait;

	private Path userDataDir;

	private int port;

	@BeforeEach
	void startProcessedApplication() throws IOException {
		String jar = System.getProperty("withings.test.aot.jar");
		Assumptions.assumeTrue(jar != null, "AOT test: run with -Paot verify");
		assertThat(CHROMIUM).as("Chromium for the AOT test").canRead();
		assertThat(CHROMEDRIVER).canRead();
		try (JarFile packaged = new JarFile(jar)) {
			assertThat(packaged.getEntry(
					"BOOT-INF/classes/io/github/springwithings/sample/servlet/WithingsServletSampleApplication__ApplicationContextInitializer.class"))
				.as("the jar holds the ahead-of-time generated initializer")
				.isNotNull();
		}
		try (ServerSocket socket = new ServerSocket(0)) {
			this.port = socket.getLocalPort();
		}
		this.log = Files.createTempFile("withings-sample-aot", ".log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		this.application = new ProcessBuilder(List.of(java, "-Dspring.aot.enabled=true", "-jar", jar,
				"--server.port=" + this.port,
				"--spring.datasource.url=jdbc:h2:mem:sample-aot;DB_CLOSE_DELAY=-1",
				// what "Fast-forward" makes due is fetched in its request, not raced by the worker's poll
				"--withings.sync.poll-interval=1h"))
			.redirectErrorStream(true)
			.redirectOutput(this.log.toFile())
			.start();
		Awaitility.await("the processed application started")
			.atMost(START_TIMEOUT)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> {
				assertThat(this.application.isAlive()).as(() -> "exited early:\n" + log()).isTrue();
				return log().contains("Started WithingsServletSampleApplication");
			});

		this.userDataDir = Files.createTempDirectory("withings-sample-aot-chromium");
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
			.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-quic", "--no-first-run", "--disable-background-networking",
					"--disable-component-update", "--disable-sync", "--user-data-dir=" + this.userDataDir);
		this.browser = new ChromeDriver(
				new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build(), options);
		this.wait = (WebDriverWait) new WebDriverWait(this.browser, Duration.ofSeconds(30))
			.ignoring(StaleElementReferenceException.class);
	}

	@AfterEach
	void stop() throws InterruptedException {
		if (this.browser != null) {
			this.browser.quit();
		}
		if (this.application != null) {
			this.application.destroy();
			if (!this.application.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
				this.application.destroyForcibly();
			}
		}
	}

	private String log() {
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@Test
	void sampleWhenProcessedAheadOfTimeThenSignInAndRefreshWork() throws IOException {
		assertThat(log()).as("started from the generated code").contains("Starting AOT-processed WithingsServletSampleApplication");

		this.browser.get("http://localhost:" + this.port + "/");
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");
		assertThat(text(By.id("user-id"))).matches("\\d+");
		// the sync's first fetch stored the weights, and the page reloaded after it
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#chart circle.point"), 30));
		this.wait.until((driver) -> !"0".equals(driver.findElement(By.id("notifications")).getDomAttribute("data-after")));
		String expires = this.browser.findElement(By.cssSelector("#expires time")).getDomAttribute("data-epoch");

		// past the access token's expiry and a backstop: the sync's fetch is refused by Withings and refreshed
		clickAndWaitForPath(By.id("fast-forward"), "/dashboard");
		this.browser.navigate().refresh();

		assertThat(this.browser.getCurrentUrl()).endsWith("/dashboard");
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(30);
		assertThat(this.browser.findElement(By.cssSelector("#expires time")).getDomAttribute("data-epoch"))
			.as("a new access token")
			.isNotEqualTo(expires);
		assertThat(log()).doesNotContain("ERROR").doesNotContain("Exception");
	}

	private void clickAndWaitForPath(By button, String path) {
		WebElement page = this.browser.findElement(By.tagName("html"));
		this.wait.until(ExpectedConditions.elementToBeClickable(button)).click();
		this.wait.until(ExpectedConditions.stalenessOf(page));
		this.wait.until((driver) -> driver.getCurrentUrl().endsWith(path)
				&& "complete".equals(((JavascriptExecutor) driver).executeScript("return document.readyState")));
	}

	/** The element's text, read again when the page reloaded itself in between (live updates). */
	private String text(By by) {
		return this.wait.until((driver) -> driver.findElement(by).getText());
	}

}
