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
import java.util.function.Predicate;

import io.github.springwithings.notification.WithingsNotifications;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.simulator.SimulatorDelivery;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.SimulatorSubscription;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.sync.WithingsDataKind;
import io.github.springwithings.sync.WithingsDataSync;
import io.github.springwithings.sync.WithingsSyncCursor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
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
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample in a real browser (Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver): sign in through the embedded Withings and see the weights the starter's data
 * sync stored, fast-forward the clock past the token's expiry and a backstop (the sync's fetch
 * refreshes), disconnect; step on the scale and see the dashboard update by itself once the sync
 * fetched what Withings' notification announced; a lost notification found by the backstop. Only
 * waits on conditions, no sleeps. Screenshots go to
 * {@code target/screenshots}. Without Chromium the test is skipped, except in CI ({@code CI=true}),
 * where it must run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:h2:mem:sample-${random.uuid};DB_CLOSE_DELAY=-1",
				// the sync's worker fetches when woken (a link, a notification): what "Fast-forward" makes
				// due is fetched in its request, never raced by the worker's look for due cursors
				"withings.sync.poll-interval=1h" })
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
	WithingsDataSync sync;

	@Autowired
	ClientRegistrationRepository registrations;

	@Autowired
	WithingsNotifications notifications;

	@Autowired
	JdbcTemplate jdbc;

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
		// a page the sync's update reloads between finding an element and reading it: look again
		this.wait = (WebDriverWait) new WebDriverWait(this.browser, Duration.ofSeconds(30))
			.ignoring(StaleElementReferenceException.class);
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

		String userId = text(By.id("user-id"));
		assertThat(userId).matches("\\d+");
		assertThat(text(By.id("scopes"))).contains("user.metrics");
		// the sync's first fetch of the new user (30 days): the page says "syncing" until the weights
		// are stored, then reloads by itself
		awaitSyncedWeights(userId, 30);
		assertThat(this.browser.findElements(By.cssSelector("#weights tbody tr"))).hasSize(30);
		assertThat(this.browser.findElements(By.id("syncing"))).isEmpty();
		assertThat(storedKilograms(userId)).hasSize(30);
		awaitSyncSettled(userId, (cursor) -> cursor.lastSyncedAt() != null);
		assertThat(text(By.id("sync-state"))).startsWith("weights fetched")
			.contains("next backstop check in ");
		SamplePages.assertReadableDashboard(this.browser);
		assertThat(SamplePages.activity(this.browser)).containsKey("LINKED")
			.containsEntry("SYNCED", List.of("Synced 30 measure groups from Withings, the first fetch since you linked"));
		screenshot("2-dashboard");
		// subscribe-on-link is done before the clock moves: its calls do not count below
		awaitSubscribed(userId);

		// three hours pass for Withings and the sync: the backstop is due, its fetch is refused (the
		// access token expired at Withings), the starter refreshes and publishes the refresh
		int rejected = this.simulator.counters().rejectedTokenRequests();
		int measureCalls = this.simulator.counters().dataRequests();
		clickAndWaitForPath(By.id("fast-forward"), "/dashboard");
		this.browser.navigate().refresh();

		assertThat(this.browser.getCurrentUrl()).endsWith("/dashboard");
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(30);
		// one refresh; the nonce fetched ahead is 3 hours old for Withings after the fast-forward, so
		// Withings may refuse it once and the starter retries with a new one
		int refused = this.simulator.counters().rejectedTokenRequests() - rejected;
		assertThat(refused).isBetween(0, 1);
		assertThat(this.simulator.counters().refreshTokenGrants() - refused).isEqualTo(1);
		assertThat(this.simulator.counters().dataRequests()).isGreaterThan(measureCalls);
		// the refresh, from the starter's event; the backstop found nothing new: no second sync entry
		assertThat(SamplePages.activity(this.browser)).containsKeys("LINKED", "REFRESHED")
			.hasEntrySatisfying("SYNCED", (synced) -> assertThat(synced).hasSize(1));
		assertThat(text(By.id("sync-state"))).startsWith("weights fetched just now");
		screenshot("3-after-fast-forward");
		assertThat(storedKilograms(userId)).hasSize(30);

		// disconnect asks first; cancelling keeps the link
		clickAndWaitForPath(By.id("disconnect"), "/disconnect");
		assertThat(text(By.id("confirm-title"))).isEqualTo("Disconnect Withings?");
		screenshot("4-disconnect-asks-first");
		clickAndWaitForPath(By.id("cancel-disconnect"), "/dashboard");
		assertThat(text(By.id("user-id"))).isEqualTo(userId);
		assertThat(this.simulator.counters().revocations()).isZero();
		assertThat(storedKilograms(userId)).hasSize(30);

		clickAndWaitForPath(By.id("disconnect"), "/disconnect");
		clickAndWaitForPath(By.id("confirm-disconnect"), "/signed-out");
		assertThat(text(By.id("signed-out"))).isEqualTo("Withings disconnected");
		assertThat(text(By.id("deleted"))).contains("Nothing of yours is kept here");
		assertThat(this.simulator.counters().revocations()).isEqualTo(1);
		// what the page says: the weights the sync stored are gone, and the sync stopped for the user
		assertThat(storedKilograms(userId)).isEmpty();
		assertThat(this.sync.getStore().findByUser("withings", userId)).isEmpty();
		screenshot("5-signed-out");

		// and the home page does not say the user refused anything
		this.browser.get(app("/"));
		assertThat(this.browser.findElements(By.id("sign-in"))).hasSize(1);
		assertThat(this.browser.findElements(By.id("denied"))).isEmpty();
	}

	@Test
	void sampleWhenThingsGoWrongThenFriendlyPagesNeverAStackTrace(CapturedOutput output) throws IOException {
		String app = "http://localhost:" + this.port;
		this.simulator.setDenyConsent(true);
		this.browser.get(app + "/");
		clickAndWaitForPath(By.id("sign-in"), "/?denied");
		assertThat(text(By.id("denied"))).contains("did not allow access");
		screenshot("6-consent-denied");

		this.simulator.setDenyConsent(false);
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");
		String userId = text(By.id("user-id"));
		awaitSyncedWeights(userId, 30);
		awaitSubscribed(userId);

		// Withings cannot be reached when the sync fetches a new weight: the page is not broken, it
		// shows the stored weights and what the sync does next
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.connectionReset());
		long failed = this.sync.getStatistics().getFailed();
		this.simulator.stepOnScale(userId, 81.3);
		this.wait.until((driver) -> this.sync.getStatistics().getFailed() > failed);
		// the notification reloaded the page; once more, to read the failure
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#notification-list tbody tr"), 1));
		awaitSyncSettled(userId, (cursor) -> cursor.attempts() == 1);
		assertThat(text(By.id("sync-state")))
			.contains("Withings did not answer the last attempt; trying again in 1 min");
		assertThat(text(By.id("sync-problem")))
			.startsWith("Data sync: weights fetched ")
			.endsWith("; Withings did not answer the last attempt; trying again in 1 min");
		assertThat(weightRows()).hasSize(30);
		assertThat(this.browser.getPageSource()).doesNotContain("Exception").doesNotContain("at io.github");
		assertThat(output).contains("Withings sync of MEASURES failed in the fetch (ResourceAccessException)");
		screenshot("7-sync-failed");

		// time passes: the sync tries again (Withings answers now) and the weight arrives
		clickAndWaitForPath(By.id("fast-forward"), "/dashboard");
		assertThat(tableWeights()).usingElementComparator(BigDecimal::compareTo).contains(new BigDecimal("81.3"));
		assertThat(text(By.id("sync-state"))).startsWith("weights fetched just now");

		// Withings fails the disconnect: a friendly page, the link kept
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.connectionReset());
		clickAndWaitForPath(By.id("disconnect"), "/disconnect");
		clickAndWaitForPath(By.id("confirm-disconnect"), "/disconnect");
		assertThat(text(By.id("problem"))).isEqualTo("Withings cannot be reached");
		assertThat(this.browser.getPageSource()).doesNotContain("Exception").doesNotContain("at io.github");
		screenshot("8-unreachable");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2,
				SimulatorFault.withingsStatus(2555, "An unknown error occurred"));
		this.browser.get(app + "/disconnect");
		clickAndWaitForPath(By.id("confirm-disconnect"), "/disconnect");
		assertThat(text(By.id("problem"))).isEqualTo("Not disconnected yet");
		assertThat(text(By.tagName("body"))).doesNotContain("ERROR").doesNotContain("said no");
		assertThat(storedKilograms(userId)).hasSize(31);
		screenshot("9-withings-error");

		// the user removes the application in Withings, silently: the sync's next fetch (the backstop,
		// three hours later) finds the link dead; the starter removes it, the sync stops for the user,
		// the sample deletes the weights, and the dashboard sends the user through Withings again
		new WithingsRevocationClient(RestClient.create()).revoke(this.registrations.findByRegistrationId("withings"),
				userId);
		int consents = this.simulator.counters().authorizationCodeGrants();
		this.browser.get(app + "/dashboard");
		clickAndWaitForPath(By.id("fast-forward"), "/dashboard");
		assertThat(this.browser.getCurrentUrl()).endsWith("/dashboard");
		assertThat(this.simulator.counters().authorizationCodeGrants()).isEqualTo(consents + 1);
		String newUserId = this.wait.until((driver) -> driver.findElement(By.id("user-id")).getText());
		assertThat(newUserId).isNotEqualTo(userId);
		awaitSyncedWeights(newUserId, 30);
		// a new consent at the simulator is a new Withings user, so a new principal: its link and first sync
		assertThat(SamplePages.activity(this.browser)).containsOnlyKeys("LINKED", "SYNCED");
		// the lost link's weights are deleted with it, and its user is no longer synced
		assertThat(storedKilograms(userId)).isEmpty();
		assertThat(this.sync.getStore().findByUser("withings", userId)).isEmpty();
		assertThat(output).doesNotContain(" ERROR ");
		screenshot("10-signed-in-again-after-revocation");
	}

	@Test
	void sampleWhenTheUserStepsOnTheScaleThenTheSyncBringsTheWeightLive(CapturedOutput output)
			throws IOException {
		this.browser.get(app("/"));
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");
		String userId = this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-id"))).getText();

		// signed in: the starter subscribes the user in the background, to this application's callback
		assertThat(this.notifications.getCallbackUrl())
			.startsWith("http://localhost:" + this.port + "/withings/notifications/");
		awaitSubscribed(userId);
		awaitSyncedWeights(userId, 30);
		this.browser.navigate().refresh();
		assertThat(this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("subscription"))).getText())
			.isEqualTo("Subscribed to weight and user actions: Withings calls this application when they change");
		awaitLive();
		assertThat(this.browser.findElements(By.id("no-notifications"))).hasSize(1);
		assertThat(weightRows()).hasSize(30);
		screenshot("11-notifications-subscribed");

		// "Step on the scale": the simulator records a weight and notifies the application; the sync
		// fetches what changed, SyncedWeights stores it and tells the page, which reloads
		clickAndWaitForPath(By.id("step-on-scale"), "/dashboard");
		awaitSyncedWeights(userId, 31);
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#notification-list tbody tr"), 1));
		// the row's cells read together, again if the page reloaded itself in between
		List<String> first = this.wait.until((driver) -> {
			WebElement row = driver.findElement(By.cssSelector("#notification-list tbody tr"));
			return List.of(row.findElement(By.xpath("td[1]")).getText(), row.findElement(By.xpath("td[2]")).getText(),
					row.findElement(By.cssSelector("td.then")).getText());
		});
		assertThat(first.get(1)).isEqualTo("Weight");
		assertThat(first.get(0)).doesNotContainPattern(SamplePages.ISO_INSTANT);
		assertThat(first.get(2)).isEqualTo("the data sync fetches what changed");
		List<BigDecimal> stored = storedKilograms(userId);
		assertThat(stored).hasSize(31);
		BigDecimal stepped = newestWeight();
		assertThat(stored).usingElementComparator(BigDecimal::compareTo).contains(stepped);
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(31);
		assertThat(acknowledgedWeightNotifications(userId)).isEqualTo(1);
		Map<String, List<String>> activity = SamplePages.activity(this.browser);
		assertThat(activity).containsKeys("LINKED", "NOTIFIED", "SYNCED");
		assertThat(activity.get("SYNCED").get(0)).isEqualTo("Synced 1 measure group from Withings, announced by a notification");
		assertThat(activity.get("NOTIFIED").get(0)).isEqualTo("Received Withings' notification about your weight and answered it");
		assertThat(text(By.id("latest-weight"))).isEqualTo(stepped.toPlainString());
		SamplePages.assertReadableDashboard(this.browser);
		screenshot("12-after-step-on-scale");
		fullPageScreenshot("12-after-step-on-scale-full");

		// the user steps on the scale at home, the page open: it updates by itself
		awaitLive();
		this.simulator.stepOnScale(userId, 80.4);
		awaitSyncedWeights(userId, 32);
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#notification-list tbody tr"), 2));
		assertThat(tableWeights()).usingElementComparator(BigDecimal::compareTo).contains(new BigDecimal("80.4"));
		assertThat(acknowledgedWeightNotifications(userId)).isEqualTo(2);
		// stored once each, though the sync may bring a group twice (at least once)
		assertThat(storedKilograms(userId)).hasSize(32)
			.usingElementComparator(BigDecimal::compareTo)
			.contains(stepped, new BigDecimal("80.4"));
		awaitLive();
		screenshot("13-updated-live");

		// a stream that ends (timeout, shutdown) ends cleanly, past Spring Security, and the page connects again
		int opened = Integer.parseInt(this.browser.findElement(By.id("notifications")).getDomAttribute("data-opened"));
		this.updates.closeAll();
		this.wait.until(ExpectedConditions.attributeToBe(By.id("notifications"), "data-opened", String.valueOf(opened + 1)));
		assertThat(this.browser.findElements(By.cssSelector("#notification-list tbody tr"))).hasSize(2);
		assertThat(output).doesNotContain("Access Denied").doesNotContain("response is already committed");

		// a notification Withings never delivers: the weight stays at Withings until the backstop,
		// which finds it an hour later (here: after "Fast-forward") and counts the missed notification
		this.simulator.dropNotifications(userId, 1);
		this.simulator.stepOnScale(userId, 79.9);
		assertThat(storedKilograms(userId)).hasSize(32);
		long missed = this.sync.getStatistics().getMissedNotifications();
		clickAndWaitForPath(By.id("fast-forward"), "/dashboard");
		assertThat(storedKilograms(userId)).hasSize(33)
			.usingElementComparator(BigDecimal::compareTo)
			.contains(stepped, new BigDecimal("80.4"), new BigDecimal("79.9"));
		assertThat(tableWeights()).usingElementComparator(BigDecimal::compareTo).contains(new BigDecimal("79.9"));
		assertThat(SamplePages.activity(this.browser).get("SYNCED").get(0))
			.endsWith("found by the backstop (no notification announced them)");
		assertThat(this.sync.getStatistics().getMissedNotifications()).isEqualTo(missed + 1);
		assertThat(this.browser.findElements(By.cssSelector("#notification-list tbody tr"))).hasSize(2);
		screenshot("14-backstop-found-a-lost-notification");

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
		String signedIn = text(By.id("user-id"));
		clickAndWaitForPath(By.id("sign-out"), "/?signed-out");
		assertThat(text(By.id("signed-out-note"))).contains("Your Withings link is kept");
		assertThat(this.browser.findElements(By.id("denied"))).isEmpty();
		assertThat(this.simulator.counters().revocations()).isZero();
		assertThat(this.authorizedClientService.loadWithingsAuthorizedClient("withings", signedIn)).isNotNull();
		assertThat(storedKilograms(userId)).hasSize(33);
		screenshot("16-signed-out-link-kept");
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");
		assertThat(text(By.id("user-id"))).matches("\\d+");
	}

	/**
	 * Waits until the page shows {@code count} weights, as the sync stored them (the page reloads by
	 * itself when it stored new ones), and no reload is to come.
	 */
	private void awaitSyncedWeights(String principalName, int count) {
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#weights tbody tr"), count));
		awaitUpToDate(principalName);
	}

	/**
	 * Waits until the sync's fetch of the user's measures is done (its cursor moved or released,
	 * as {@code settled} says), then loads the page again: the sync tells the page when it stored
	 * weights, not when it moved its cursor after.
	 */
	private void awaitSyncSettled(String userId, Predicate<WithingsSyncCursor> settled) {
		this.wait.until((driver) -> this.sync.getStore()
			.findByUser("withings", userId)
			.stream()
			.anyMatch((cursor) -> cursor.kind() == WithingsDataKind.MEASURES && cursor.claimedBy() == null
					&& settled.test(cursor)));
		awaitUpToDate(userId);
		this.browser.navigate().refresh();
		awaitUpToDate(userId);
	}

	/**
	 * Waits until the page was rendered after the user's newest live update (the page reloads by
	 * itself for a newer one).
	 */
	private void awaitUpToDate(String principalName) {
		this.wait.until((driver) -> "complete".equals(((JavascriptExecutor) driver).executeScript("return document.readyState"))
				&& String.valueOf(this.updates.newest(principalName))
					.equals(driver.findElement(By.id("notifications")).getDomAttribute("data-after")));
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

	/** Clicks, waits until the page was replaced and the browser is on the path (and query). */
	private void clickAndWaitForPath(By button, String path) {
		WebElement page = this.browser.findElement(By.tagName("html"));
		this.wait.until(ExpectedConditions.elementToBeClickable(button)).click();
		awaitReplaced(page);
		this.wait.until((driver) -> driver.getCurrentUrl().endsWith(path)
				&& "complete".equals(((JavascriptExecutor) driver).executeScript("return document.readyState")));
	}

	/**
	 * Waits until the page was replaced: its root element stale (Chromium may also answer that the
	 * node is no longer in the document).
	 */
	private void awaitReplaced(WebElement page) {
		this.wait.until((driver) -> {
			try {
				page.isEnabled();
				return false;
			}
			catch (StaleElementReferenceException ex) {
				return true;
			}
			catch (WebDriverException ex) {
				return ex.getMessage() != null && ex.getMessage().contains("does not belong to the document");
			}
		});
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
		return text(By.id("user-id"));
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

	/** The element's text, read again when the page reloaded itself in between (live updates). */
	private String text(By by) {
		return this.wait.until((driver) -> driver.findElement(by).getText());
	}

}
