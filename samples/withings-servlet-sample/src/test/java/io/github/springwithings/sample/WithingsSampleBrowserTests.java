package io.github.springwithings.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample in a real browser (Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver): sign in through the embedded Withings, see the chart and the table, fast-forward
 * the clock past the token's expiry and reload, disconnect. Screenshots go to
 * {@code target/screenshots}. Without Chromium the test is skipped, except in CI ({@code CI=true}),
 * where it must run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:h2:mem:sample-${random.uuid};DB_CLOSE_DELAY=-1",
				"sample.sync.initial-delay=PT1H" })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class WithingsSampleBrowserTests {

	private static final File CHROMIUM = new File("/usr/bin/chromium");

	private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

	@LocalServerPort
	int port;

	@Autowired
	WithingsSimulator simulator;

	@Autowired
	MeasurementSync sync;

	@Autowired
	ClientRegistrationRepository registrations;

	private WebDriver browser;

	private Path userDataDir;

	@BeforeEach
	void openBrowser() throws IOException {
		boolean installed = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
		if (!installed && "true".equals(System.getenv("CI"))) {
			throw new IllegalStateException("CI must run the browser test: install Debian's chromium and chromium-driver");
		}
		Assumptions.assumeTrue(installed,
				"Browser test skipped: install Chromium with 'apt-get install chromium chromium-driver' to run it");
		this.userDataDir = Files.createTempDirectory("withings-sample-chromium");
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
			.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-quic", "--no-first-run", "--disable-background-networking",
					"--disable-component-update", "--disable-sync", "--window-size=1280,1100",
					"--user-data-dir=" + this.userDataDir);
		this.browser = new ChromeDriver(
				new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build(), options);
		this.browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void sampleWhenSignedInThenChartRefreshAndDisconnectWorkInABrowser() throws IOException {
		this.browser.get("http://localhost:" + this.port + "/");
		screenshot("1-home");
		this.browser.findElement(By.id("sign-in")).click();

		assertThat(this.browser.getCurrentUrl()).endsWith("/dashboard");
		assertThat(this.browser.findElement(By.id("user-id")).getText()).matches("\\d+");
		assertThat(this.browser.findElement(By.id("scopes")).getText()).contains("user.metrics");
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(30);
		assertThat(this.browser.findElements(By.cssSelector("#weights tbody tr"))).hasSize(30);
		screenshot("2-dashboard");

		this.sync.sync();
		this.browser.findElement(By.id("fast-forward")).click();
		this.browser.navigate().refresh();

		assertThat(this.browser.getCurrentUrl()).endsWith("/dashboard");
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(30);
		assertThat(this.browser.findElement(By.id("last-sync")).getText()).isNotEqualTo("not yet");
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
		screenshot("3-after-fast-forward");

		this.browser.findElement(By.id("disconnect")).click();

		assertThat(this.browser.getCurrentUrl()).endsWith("/signed-out");
		assertThat(this.browser.findElement(By.id("signed-out")).getText()).isEqualTo("You are signed out");
		assertThat(this.simulator.counters().revocations()).isEqualTo(1);
		screenshot("4-signed-out");
	}

	@Test
	void sampleWhenThingsGoWrongThenFriendlyPagesNeverAStackTrace() throws IOException {
		String app = "http://localhost:" + this.port;
		this.simulator.setDenyConsent(true);
		this.browser.get(app + "/");
		this.browser.findElement(By.id("sign-in")).click();
		assertThat(this.browser.findElement(By.id("denied")).getText()).contains("did not allow access");
		screenshot("5-consent-denied");

		this.simulator.setDenyConsent(false);
		this.browser.findElement(By.id("sign-in")).click();
		assertThat(this.browser.getCurrentUrl()).endsWith("/dashboard");

		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.connectionReset());
		this.browser.navigate().refresh();
		assertThat(this.browser.findElement(By.id("problem")).getText()).isEqualTo("Withings cannot be reached");
		assertThat(this.browser.getPageSource()).doesNotContain("Exception").doesNotContain("at io.github");
		screenshot("6-unreachable");

		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.tooManyRequests(188));
		this.browser.get(app + "/dashboard");
		assertThat(this.browser.findElement(By.id("problem")).getText()).isEqualTo("Withings is busy");
		screenshot("7-rate-limited");

		String userId = currentUserId(app);
		new WithingsRevocationClient(RestClient.create()).revoke(this.registrations.findByRegistrationId("withings"),
				userId);
		int consents = this.simulator.counters().authorizationCodeGrants();
		this.browser.get(app + "/dashboard");
		assertThat(this.browser.getCurrentUrl()).endsWith("/dashboard");
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(30);
		assertThat(this.simulator.counters().authorizationCodeGrants()).isEqualTo(consents + 1);
		screenshot("8-signed-in-again-after-revocation");
	}

	private String currentUserId(String app) {
		this.browser.get(app + "/dashboard");
		return this.browser.findElement(By.id("user-id")).getText();
	}

	private void screenshot(String name) throws IOException {
		Path directory = Files.createDirectories(Path.of("target", "screenshots"));
		File shot = ((TakesScreenshot) this.browser).getScreenshotAs(OutputType.FILE);
		Files.copy(shot.toPath(), directory.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}

}
