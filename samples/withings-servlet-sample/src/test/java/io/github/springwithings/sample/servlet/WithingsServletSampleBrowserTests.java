package io.github.springwithings.sample.servlet;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.github.springwithings.notification.WithingsNotifications;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
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
import org.openqa.selenium.Dimension;
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

	@Autowired
	WithingsAuthorizedClientService authorizedClientService;

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
				new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
					.usingAnyFreePort()
					.withEnvironment(Map.of("TZ", SamplePages.VIEWER_ZONE))
					.build(), options);
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
		// a first visit: nobody refused anything
		assertThat(this.browser.findElements(By.id("denied"))).isEmpty();
		assertThat(this.browser.findElements(By.id("signed-out-note"))).isEmpty();
		screenshot("1-home");
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");

		String userId = this.browser.findElement(By.id("user-id")).getText();
		assertThat(userId).matches("\\d+");
		assertThat(this.browser.findElement(By.id("scopes")).getText()).contains("user.metrics");
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(30);
		assertThat(this.browser.findElements(By.cssSelector("#weights tbody tr"))).hasSize(30);
		SamplePages.assertReadableDashboard(this.browser);
		assertThat(SamplePages.activity(this.browser)).containsKey("LINKED");
		screenshot("2-dashboard");
		// subscribe-on-link is done before the clock moves: its calls do not count below
		awaitSubscribed(userId);

		this.sync.sync();
		int rejected = this.simulator.counters().rejectedTokenRequests();
		clickAndWaitForPath(By.id("fast-forward"), "/dashboard");
		this.browser.navigate().refresh();

		assertThat(this.browser.getCurrentUrl()).endsWith("/dashboard");
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(30);
		assertThat(this.browser.findElement(By.id("last-sync")).getText()).isNotEqualTo("not yet")
			.doesNotContainPattern(SamplePages.ISO_INSTANT);
		// one refresh; the nonce fetched ahead is 3 hours old for Withings after the fast-forward, so
		// Withings may refuse it once and the starter retries with a new one
		int refused = this.simulator.counters().rejectedTokenRequests() - rejected;
		assertThat(refused).isBetween(0, 1);
		assertThat(this.simulator.counters().refreshTokenGrants() - refused).isEqualTo(1);
		// the refresh, noticed in the stored link
		assertThat(SamplePages.activity(this.browser)).containsKeys("LINKED", "REFRESHED");
		screenshot("3-after-fast-forward");
		assertThat(storedKilograms(userId)).hasSize(30);

		// disconnect asks first; cancelling keeps the link
		clickAndWaitForPath(By.id("disconnect"), "/disconnect");
		assertThat(this.browser.findElement(By.id("confirm-title")).getText()).isEqualTo("Disconnect Withings?");
		screenshot("4-disconnect-asks-first");
		clickAndWaitForPath(By.id("cancel-disconnect"), "/dashboard");
		assertThat(this.browser.findElement(By.id("user-id")).getText()).isEqualTo(userId);
		assertThat(this.simulator.counters().revocations()).isZero();
		assertThat(storedKilograms(userId)).hasSize(30);

		clickAndWaitForPath(By.id("disconnect"), "/disconnect");
		clickAndWaitForPath(By.id("confirm-disconnect"), "/signed-out");
		assertThat(this.browser.findElement(By.id("signed-out")).getText()).isEqualTo("Withings disconnected");
		assertThat(this.browser.findElement(By.id("deleted")).getText()).contains("Nothing of yours is kept here");
		assertThat(this.simulator.counters().revocations()).isEqualTo(1);
		// what the page says: the weights the sync stored are gone
		assertThat(storedKilograms(userId)).isEmpty();
		screenshot("5-signed-out");

		// and the home page does not say the user refused anything
		this.browser.get(app("/"));
		assertThat(this.browser.findElements(By.id("sign-in"))).hasSize(1);
		assertThat(this.browser.findElements(By.id("denied"))).isEmpty();
	}

	@Test
	void sampleWhenThingsGoWrongThenFriendlyPagesNeverAStackTrace() throws IOException {
		String app = "http://localhost:" + this.port;
		this.simulator.setDenyConsent(true);
		this.browser.get(app + "/");
		clickAndWaitForPath(By.id("sign-in"), "/?denied");
		assertThat(this.browser.findElement(By.id("denied")).getText()).contains("did not allow access");
		screenshot("6-consent-denied");

		this.simulator.setDenyConsent(false);
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");

		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.connectionReset());
		this.browser.navigate().refresh();
		assertThat(this.browser.findElement(By.id("problem")).getText()).isEqualTo("Withings cannot be reached");
		assertThat(this.browser.getPageSource()).doesNotContain("Exception").doesNotContain("at io.github");
		screenshot("7-unreachable");

		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.tooManyRequests(188));
		this.browser.get(app + "/dashboard");
		assertThat(this.browser.findElement(By.id("problem")).getText()).isEqualTo("Withings is busy");
		screenshot("8-rate-limited");

		// Withings answers with an error status: no enum, no "said no"
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.withingsStatus(2555, "An unknown error occurred"));
		this.browser.get(app + "/dashboard");
		assertThat(this.browser.findElement(By.id("problem")).getText()).isEqualTo("Withings is not answering right now");
		assertThat(this.browser.findElement(By.tagName("body")).getText()).doesNotContain("ERROR").doesNotContain("said no");
		screenshot("9-withings-error");

		String userId = currentUserId(app);
		this.sync.sync();
		assertThat(storedKilograms(userId)).hasSize(30);
		new WithingsRevocationClient(RestClient.create()).revoke(this.registrations.findByRegistrationId("withings"),
				userId);
		int consents = this.simulator.counters().authorizationCodeGrants();
		this.browser.get(app + "/dashboard");
		assertThat(this.browser.getCurrentUrl()).endsWith("/dashboard");
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(30);
		assertThat(this.simulator.counters().authorizationCodeGrants()).isEqualTo(consents + 1);
		// a new consent at the simulator is a new Withings user, so a new principal: only its link is told
		assertThat(SamplePages.activity(this.browser)).containsOnlyKeys("LINKED");
		// the lost link's weights are deleted with it
		assertThat(storedKilograms(userId)).isEmpty();
		screenshot("10-signed-in-again-after-revocation");
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
			.isEqualTo("Subscribed to weight and user actions: Withings calls this application when they change");
		awaitLive();
		assertThat(this.browser.findElements(By.id("no-notifications"))).hasSize(1);
		assertThat(weightRows()).hasSize(30);
		screenshot("11-notifications-subscribed");

		// "Step on the scale": the simulator records a weight and notifies the application, whose
		// listener fetches it and tells the page, which reloads
		clickAndWaitForPath(By.id("step-on-scale"), "/dashboard");
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#notification-list tbody tr"), 1));
		WebElement first = this.browser.findElement(By.cssSelector("#notification-list tbody tr"));
		assertThat(first.findElement(By.xpath("td[2]")).getText()).isEqualTo("Weight");
		assertThat(first.findElement(By.xpath("td[1]")).getText()).doesNotContainPattern(SamplePages.ISO_INSTANT);
		String fetched = first.findElement(By.cssSelector("td.fetched")).getText();
		assertThat(fetched).matches("\\d+\\.\\d kg");
		BigDecimal stepped = new BigDecimal(fetched.replace(" kg", ""));
		assertThat(weightRows()).hasSize(31);
		assertThat(newestWeight()).isEqualByComparingTo(stepped);
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(31);
		assertThat(acknowledgedWeightNotifications(userId)).isEqualTo(1);
		// stored as the background sync stores
		assertThat(storedKilograms(userId)).usingElementComparator(BigDecimal::compareTo).containsExactly(stepped);
		assertThat(SamplePages.activity(this.browser)).containsKeys("LINKED", "NOTIFIED");
		assertThat(this.browser.findElement(By.id("latest-weight")).getText()).isEqualTo(stepped.toPlainString());
		SamplePages.assertReadableDashboard(this.browser);
		screenshot("12-after-step-on-scale");
		fullPageScreenshot("12-after-step-on-scale-full");

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
		screenshot("13-updated-live");

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
		screenshot("14-fetch-failed-sync-fallback");

		// the session ends while the page is open (a restart forgets sessions): the stream's
		// reconnect is answered 401, not the sign-in page, and the page reloads to the sign-in page
		awaitLive();
		this.browser.manage().deleteCookieNamed("JSESSIONID");
		this.updates.closeAll();
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		assertThat(this.browser.getCurrentUrl()).isEqualTo(app("/"));
		assertThat(this.browser.findElements(By.id("denied"))).isEmpty();
		assertThat(output).doesNotContain(" ERROR ");
		screenshot("15-stream-after-session-ended");

		// sign out keeps the link (and the weights), revokes nothing; signing in again works
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");
		String signedIn = this.browser.findElement(By.id("user-id")).getText();
		clickAndWaitForPath(By.id("sign-out"), "/?signed-out");
		assertThat(this.browser.findElement(By.id("signed-out-note")).getText()).contains("Your Withings link is kept");
		assertThat(this.browser.findElements(By.id("denied"))).isEmpty();
		assertThat(this.simulator.counters().revocations()).isZero();
		assertThat(this.authorizedClientService.loadWithingsAuthorizedClient("withings", signedIn)).isNotNull();
		assertThat(storedKilograms(userId)).hasSize(33);
		screenshot("16-signed-out-link-kept");
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");
		assertThat(this.browser.findElement(By.id("user-id")).getText()).matches("\\d+");
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

	/** The table's weights, newest first. */
	private List<BigDecimal> tableWeights() {
		return weightRows().stream().map((row) -> new BigDecimal(row.findElement(By.xpath("td[2]")).getText())).toList();
	}

	/** The table's first row: the newest weight. */
	private BigDecimal newestWeight() {
		return tableWeights().get(0);
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

	/** The whole page, the window made as tall as the page for the shot. */
	private void fullPageScreenshot(String name) throws IOException {
		Dimension size = this.browser.manage().window().getSize();
		long height = (Long) ((JavascriptExecutor) this.browser)
			.executeScript("return document.documentElement.scrollHeight");
		this.browser.manage().window().setSize(new Dimension(size.getWidth(), (int) height + 140));
		screenshot(name);
		this.browser.manage().window().setSize(size);
	}

	private void screenshot(String name) throws IOException {
		Path directory = Files.createDirectories(Path.of("target", "screenshots"));
		File shot = ((TakesScreenshot) this.browser).getScreenshotAs(OutputType.FILE);
		Files.copy(shot.toPath(), directory.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}

}
