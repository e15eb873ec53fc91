package io.github.springwithings.sample.servlet;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.github.springwithings.notification.WithingsNotifications;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.simulator.SimulatorDelivery;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.SimulatorSubscription;
import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample in a real browser (Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver): sign in through the embedded Withings, see the chart and the table, fast-forward
 * the clock past the token's expiry and reload, disconnect; step on the scale and see the
 * dashboard update by itself from Withings' notification. Screenshots go to
 * {@code target/screenshots}. Without Chromium the test is skipped, except in CI ({@code CI=true}),
 * where it must run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:h2:mem:sample-${random.uuid};DB_CLOSE_DELAY=-1",
				"sample.sync.initial-delay=PT1H" })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
@ExtendWith(OutputCaptureExtension.class)
class WithingsServletSampleBrowserTests {

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

	@Autowired
	WithingsNotifications notifications;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	ScheduledTaskHolder scheduledTasks;

	@Autowired
	DashboardUpdates updates;

	private WebDriver browser;

	private WebDriverWait wait;

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
		this.wait = new WebDriverWait(this.browser, Duration.ofSeconds(30));
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
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");

		assertThat(this.browser.findElement(By.id("user-id")).getText()).matches("\\d+");
		assertThat(this.browser.findElement(By.id("scopes")).getText()).contains("user.metrics");
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(30);
		assertThat(this.browser.findElements(By.cssSelector("#weights tbody tr"))).hasSize(30);
		screenshot("2-dashboard");
		// subscribe-on-link is done before the clock moves: its calls do not count below
		awaitSubscribed(this.browser.findElement(By.id("user-id")).getText());

		this.sync.sync();
		int rejected = this.simulator.counters().rejectedTokenRequests();
		clickAndWaitForPath(By.id("fast-forward"), "/dashboard");
		this.browser.navigate().refresh();

		assertThat(this.browser.getCurrentUrl()).endsWith("/dashboard");
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(30);
		assertThat(this.browser.findElement(By.id("last-sync")).getText()).isNotEqualTo("not yet");
		// one refresh; the nonce fetched ahead is 3 hours old for Withings after the fast-forward, so
		// Withings may refuse it once and the starter retries with a new one
		int refused = this.simulator.counters().rejectedTokenRequests() - rejected;
		assertThat(refused).isBetween(0, 1);
		assertThat(this.simulator.counters().refreshTokenGrants() - refused).isEqualTo(1);
		screenshot("3-after-fast-forward");

		clickAndWaitForPath(By.id("disconnect"), "/signed-out");

		assertThat(this.browser.findElement(By.id("signed-out")).getText()).isEqualTo("You are signed out");
		assertThat(this.simulator.counters().revocations()).isEqualTo(1);
		screenshot("4-signed-out");
	}

	@Test
	void sampleWhenThingsGoWrongThenFriendlyPagesNeverAStackTrace() throws IOException {
		String app = "http://localhost:" + this.port;
		this.simulator.setDenyConsent(true);
		this.browser.get(app + "/");
		clickAndWaitForPath(By.id("sign-in"), "/?denied");
		assertThat(this.browser.findElement(By.id("denied")).getText()).contains("did not allow access");
		screenshot("5-consent-denied");

		this.simulator.setDenyConsent(false);
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");

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

	@Test
	void sampleWhenTheUserStepsOnTheScaleThenTheDashboardUpdatesFromTheNotification(CapturedOutput output)
			throws IOException {
		this.browser.get(app("/"));
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");
		String userId = this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-id"))).getText();

		// signed in: the starter subscribes the user in the background, to this application's callback
		assertThat(this.notifications.getCallbackUrl())
			.startsWith("http://localhost:" + this.port + "/withings/notifications/");
		awaitSubscribed(userId);
		this.browser.navigate().refresh();
		assertThat(this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("subscription"))).getText())
			.isEqualTo("Subscribed to appli 1, 46 at this application's callback URL");
		awaitLive();
		assertThat(this.browser.findElements(By.id("no-notifications"))).hasSize(1);
		assertThat(weightRows()).hasSize(30);
		screenshot("9-notifications-subscribed");

		// "Step on the scale": the simulator records a weight and notifies the application, whose
		// listener fetches it and tells the page, which reloads
		clickAndWaitForPath(By.id("step-on-scale"), "/dashboard");
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#notification-list tbody tr"), 1));
		WebElement first = this.browser.findElement(By.cssSelector("#notification-list tbody tr"));
		assertThat(first.findElement(By.xpath("td[2]")).getText()).isEqualTo("Weight (1)");
		String fetched = first.findElement(By.cssSelector("td.fetched")).getText();
		assertThat(fetched).matches("\\d+\\.\\d kg");
		BigDecimal stepped = new BigDecimal(fetched.replace(" kg", ""));
		assertThat(weightRows()).hasSize(31);
		assertThat(newestWeight()).isEqualByComparingTo(stepped);
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(31);
		assertThat(acknowledgedWeightNotifications(userId)).isEqualTo(1);
		// stored as the background sync stores
		assertThat(storedKilograms(userId)).usingElementComparator(BigDecimal::compareTo).containsExactly(stepped);
		screenshot("10-after-step-on-scale");

		// the user steps on the scale at home, the page open: it updates by itself
		awaitLive();
		WebElement page = this.browser.findElement(By.tagName("html"));
		this.simulator.stepOnScale(userId, 80.4);
		this.wait.until(ExpectedConditions.stalenessOf(page));
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#notification-list tbody tr"), 2));
		assertThat(this.browser.findElement(By.cssSelector("#notification-list tbody tr td.fetched")).getText())
			.isEqualTo("80.4 kg");
		assertThat(weightRows()).hasSize(32);
		assertThat(tableWeights()).usingElementComparator(BigDecimal::compareTo).contains(new BigDecimal("80.4"));
		assertThat(acknowledgedWeightNotifications(userId)).isEqualTo(2);
		assertThat(storedKilograms(userId)).usingElementComparator(BigDecimal::compareTo)
			.containsExactlyInAnyOrder(stepped, new BigDecimal("80.4"));
		awaitLive();
		screenshot("11-updated-live");

		// a stream that ends (timeout, shutdown) ends cleanly, past Spring Security, and the page connects again
		this.updates.closeAll();
		this.wait.until(ExpectedConditions.attributeToBe(By.id("notifications"), "data-opened", "2"));
		assertThat(this.browser.findElements(By.cssSelector("#notification-list tbody tr"))).hasSize(2);
		assertThat(output).doesNotContain("Access Denied").doesNotContain("response is already committed");

		// Withings fails the listener's fetch: the notification is listed all the same, the page
		// reloads (and reads Withings itself), and the background sync, still scheduled, stores the weight
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.connectionReset());
		page = this.browser.findElement(By.tagName("html"));
		this.simulator.stepOnScale(userId, 79.9);
		this.wait.until(ExpectedConditions.stalenessOf(page));
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#notification-list tbody tr"), 3));
		assertThat(this.browser.findElement(By.cssSelector("#notification-list tbody tr td.fetched")).getText())
			.startsWith("nothing yet");
		assertThat(weightRows()).hasSize(33);
		assertThat(storedKilograms(userId)).hasSize(2);
		assertThat(this.scheduledTasks.getScheduledTasks())
			.anySatisfy((task) -> assertThat(task.toString()).contains("MeasurementSync.sync"));
		this.sync.sync();
		assertThat(storedKilograms(userId)).hasSize(33)
			.usingElementComparator(BigDecimal::compareTo)
			.contains(stepped, new BigDecimal("80.4"), new BigDecimal("79.9"));
		screenshot("12-fetch-failed-sync-fallback");
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

	/** Clicks, waits until the page was replaced and the browser is on the path (and query). */
	private void clickAndWaitForPath(By button, String path) {
		WebElement page = this.browser.findElement(By.tagName("html"));
		this.wait.until(ExpectedConditions.elementToBeClickable(button)).click();
		this.wait.until(ExpectedConditions.stalenessOf(page));
		this.wait.until((driver) -> driver.getCurrentUrl().endsWith(path)
				&& "complete".equals(((JavascriptExecutor) driver).executeScript("return document.readyState")));
	}

	/** Waits until the simulator shows the user subscribed to appli 1 and 46 at the application's callback. */
	private void awaitSubscribed(String userId) {
		String callbackUrl = this.notifications.getCallbackUrl();
		this.wait.until((driver) -> {
			Set<Integer> appli = new TreeSet<>();
			for (SimulatorSubscription subscription : this.simulator.subscriptions(userId)) {
				if (callbackUrl.equals(subscription.callbackUrl())) {
					appli.add(subscription.appli());
				}
			}
			return appli.equals(Set.of(1, 46));
		});
	}

	/** Waits until the page's Server-Sent Events stream is open. */
	private void awaitLive() {
		this.wait.until(ExpectedConditions.attributeToBe(By.id("notifications"), "data-live", "open"));
	}

	private List<WebElement> weightRows() {
		return this.browser.findElements(By.cssSelector("#weights tbody tr"));
	}

	/** The table's weights, oldest first. */
	private List<BigDecimal> tableWeights() {
		return weightRows().stream().map((row) -> new BigDecimal(row.findElement(By.xpath("td[2]")).getText())).toList();
	}

	/** The table's last row: the newest weight. */
	private BigDecimal newestWeight() {
		List<BigDecimal> weights = tableWeights();
		return weights.get(weights.size() - 1);
	}

	private long acknowledgedWeightNotifications(String userId) {
		String callbackUrl = this.notifications.getCallbackUrl();
		return this.simulator.deliveries()
			.stream()
			.filter((delivery) -> delivery.userId().equals(userId) && delivery.appli() == 1
					&& delivery.callbackUrl().equals(callbackUrl))
			.filter(SimulatorDelivery::acknowledged)
			.count();
	}

	private List<BigDecimal> storedKilograms(String userId) {
		return this.jdbc.queryForList("SELECT kilograms FROM sample_measurement WHERE principal_name = ?",
				BigDecimal.class, userId);
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
