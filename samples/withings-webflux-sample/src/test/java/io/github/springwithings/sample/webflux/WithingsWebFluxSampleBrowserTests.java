package io.github.springwithings.sample.webflux;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
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
import io.github.springwithings.oauth2.client.endpoint.WithingsRevocationClient;
import io.github.springwithings.simulator.SimulatorDelivery;
import io.github.springwithings.simulator.SimulatorEndpoint;
import io.github.springwithings.simulator.SimulatorFault;
import io.github.springwithings.simulator.SimulatorSubscription;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.sync.WithingsDataKind;
import io.github.springwithings.sync.WithingsDataSync;
import io.github.springwithings.sync.WithingsSyncCursor;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebFlux sample in a real browser (Debian's headless Chromium, driven by Selenium through
 * Debian's chromedriver): sign in through the embedded Withings' consent page, see the chart and
 * the table, fast-forward the simulator's clock past the token's expiry and load the data again
 * (Withings refuses the old token, the starter refreshes), disconnect; the link's row in the
 * R2DBC store's table appears, rotates and goes away; the weights come from the starter's data
 * sync (its first fetch, a notification, the backstop after a fast-forward, a lost notification),
 * stored by the sample in its R2DBC table and pushed as Server-Sent Events. BlockHound fails any blocking call on an event loop. Only explicit waits
 * on conditions, no sleeps. Screenshots go to {@code target/screenshots}. Without Chromium the test
 * is skipped, except in CI ({@code CI=true}), where it must run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.r2dbc.url=r2dbc:h2:file:///./target/test-db/webflux-sample-${random.uuid}?options=DB_CLOSE_DELAY=-1",
				// the sync's worker fetches when woken (a link, a notification): what "Fast-forward" makes
				// due is fetched in its request, never raced by the worker's look for due cursors
				"withings.sync.poll-interval=1h" })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
@ExtendWith(OutputCaptureExtension.class)
class WithingsWebFluxSampleBrowserTests {

	private static final File CHROMIUM = new File("/usr/bin/chromium");

	private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

	@LocalServerPort
	int port;

	@Autowired
	WithingsSimulator simulator;

	@Autowired
	ReactiveOAuth2AuthorizedClientService authorizedClientService;

	@Autowired
	ReactiveClientRegistrationRepository registrations;

	@Autowired
	ConnectionFactory connectionFactory;

	@Autowired
	WithingsNotifications notifications;

	@Autowired
	DashboardUpdates updates;

	@Autowired
	WithingsDataSync sync;

	private WebDriver browser;

	private WebDriverWait wait;

	private Path userDataDir;

	@BeforeAll
	static void installBlockHound() {
		SampleBlockHound.install();
	}

	@BeforeEach
	void openBrowser() throws IOException {
		boolean installed = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
		if (!installed && "true".equals(System.getenv("CI"))) {
			throw new IllegalStateException("CI must run the browser test: install Debian's chromium and chromium-driver");
		}
		Assumptions.assumeTrue(installed,
				"Browser test skipped: install Chromium with 'apt-get install chromium chromium-driver' to run it");
		this.userDataDir = Files.createTempDirectory("withings-webflux-sample-chromium");
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
		this.browser.get(app("/"));
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		// a first visit: nobody refused anything
		assertThat(this.browser.findElements(By.id("denied"))).isEmpty();
		assertThat(this.browser.findElements(By.id("signed-out-note"))).isEmpty();
		screenshot("1-home");

		// the simulator's consent page, then back to the application
		this.simulator.setConsentPage(true);
		clickAndWaitForPath(By.id("sign-in"), "/oauth2_user/authorize2");
		assertThat(this.browser.getCurrentUrl()).startsWith(this.simulator.baseUrl())
			.containsPattern("scope=[^&]*(,|%2C)")
			.doesNotContain("code_challenge");
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("account"))).sendKeys("alice");
		screenshot("2-withings-consent");
		clickAndWaitForPath(By.id("allow"), "/dashboard");

		String userId = this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-id"))).getText();
		assertThat(userId).isEqualTo(this.simulator.accountUserId("alice"));
		assertThat(text("scopes")).contains("user.metrics");
		// the sync's first fetch of the new user (30 days): the page says "syncing" until the weights
		// are stored in the sample's R2DBC table, then reloads by itself
		awaitSyncedWeights(userId, 30);
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(30);
		assertThat(this.browser.findElements(By.id("syncing"))).isEmpty();
		assertThat(storedKilograms(userId)).hasSize(30);
		awaitSyncSettled(userId, (cursor) -> cursor.lastSyncedAt() != null);
		assertThat(text("sync-state")).startsWith("weights fetched").contains("next backstop check in 1 h");
		assertThat(this.simulator.counters().authorizationCodeGrants()).isEqualTo(1);
		assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
		String expiresBefore = expiresAt();
		// the link is in the starter's R2DBC store: a row of its table, read through the sample's ConnectionFactory
		assertThat(text("store")).isEqualTo("this application's database (R2DBC)");
		Map<String, Object> link = storedLink(userId);
		assertThat(link).containsEntry("withings_user_id", userId);
		SamplePages.assertReadableDashboard(this.browser);
		assertThat(SamplePages.activity(this.browser)).containsKey("LINKED")
			.containsEntry("SYNCED", List.of("Synced 30 measure groups from Withings, the first fetch since you linked"));
		screenshot("3-dashboard");
		// subscribe-on-link is done before the clock moves: its calls do not count below
		awaitSubscribed(userId);

		// three hours pass for Withings and the sync: the access token expires at Withings and the
		// backstop is due; its fetch is refused, the starter refreshes (single flight, stored before
		// use, published) and the fetch succeeds on the new token (the nonce fetched ahead is 3 hours
		// old for Withings after the fast-forward: Withings may refuse it once and the starter retries
		// with a new one; a refused request is no refresh)
		int rejected = this.simulator.counters().rejectedTokenRequests();
		clickAndWaitForPath(By.id("fast-forward"), "/dashboard");
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#chart circle.point"), 30));
		assertThat(refreshes(rejected)).isEqualTo(1);
		assertThat(this.simulator.counters().rejectedTokenRequests() - rejected).isBetween(0, 1);
		assertThat(this.simulator.counters().unauthorizedDataRequests()).isEqualTo(1);
		assertThat(expiresAt()).isNotEqualTo(expiresBefore);
		// the rotated refresh token is in the table
		assertThat(storedLink(userId).get("refresh_token_hash")).isNotNull().isNotEqualTo(link.get("refresh_token_hash"));

		// and once more: a page load calls Withings for no data, the weights are read from the table
		this.browser.navigate().refresh();
		this.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#weights tbody tr"), 30));
		assertThat(refreshes(rejected)).isEqualTo(1);
		assertThat(this.simulator.counters().unauthorizedDataRequests()).isEqualTo(1);
		// the refresh, from the starter's event; the backstop found nothing new: no second sync entry
		assertThat(SamplePages.activity(this.browser)).containsKeys("LINKED", "REFRESHED")
			.hasEntrySatisfying("SYNCED", (synced) -> assertThat(synced).hasSize(1));
		assertThat(text("sync-state")).startsWith("weights fetched just now");
		screenshot("4-after-fast-forward");

		// disconnect asks first; cancelling keeps the link
		clickAndWaitForPath(By.id("disconnect"), "/disconnect");
		assertThat(text("confirm-title")).isEqualTo("Disconnect Withings?");
		clickAndWaitForPath(By.id("cancel-disconnect"), "/dashboard");
		assertThat(this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-id"))).getText())
			.isEqualTo(userId);
		assertThat(this.simulator.counters().revocations()).isZero();
		assertThat(storedLink(userId)).isNotNull();

		// disconnect: revoked at Withings, the link removed from the store, signed out
		clickAndWaitForPath(By.id("disconnect"), "/disconnect");
		clickAndWaitForPath(By.id("confirm-disconnect"), "/signed-out");
		assertThat(this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out"))).getText())
			.isEqualTo("Withings disconnected");
		assertThat(text("deleted")).contains("Nothing of yours is kept here");
		assertThat(this.simulator.counters().revocations()).isEqualTo(1);
		assertThat(this.authorizedClientService.loadAuthorizedClient(DashboardController.REGISTRATION_ID, userId)
			.blockOptional(Duration.ofSeconds(10))).isEmpty();
		assertThat(storedLink(userId)).isNull();
		// what the page says: the weights the sync stored are gone (deleted without blocking, just
		// after the event), and the sync stopped for the user
		this.wait.until((driver) -> storedKilograms(userId).isEmpty());
		assertThat(this.sync.getStore().findByUser(DashboardController.REGISTRATION_ID, userId)).isEmpty();
		screenshot("5-signed-out");

		// the dashboard now wants a new sign-in
		this.browser.get(app("/dashboard"));
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		assertThat(this.browser.getCurrentUrl()).isEqualTo(app("/"));
		// and the home page does not say the user refused anything
		assertThat(this.browser.findElements(By.id("denied"))).isEmpty();
	}

	/** Refresh requests Withings accepted since {@code rejectedBefore} refusals. */
	private int refreshes(int rejectedBefore) {
		return this.simulator.counters().refreshTokenGrants()
				- (this.simulator.counters().rejectedTokenRequests() - rejectedBefore);
	}

	@Test
	void sampleWhenThingsGoWrongThenFriendlyPagesNeverAStackTrace(CapturedOutput output) throws IOException {
		this.simulator.setDenyConsent(true);
		this.browser.get(app("/"));
		clickAndWaitForPath(By.id("sign-in"), "/");
		assertThat(this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("denied"))).getText())
			.contains("did not allow access");
		screenshot("6-consent-denied");

		this.simulator.setDenyConsent(false);
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");
		String userId = this.wait.until((driver) -> driver.findElement(By.id("user-id")).getText());
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
		String syncState = this.wait.until((driver) -> driver.findElement(By.id("sync-state")).getText());
		assertThat(syncState).contains("Withings did not answer the last attempt; trying again in 1 min");
		assertThat(text(By.id("sync-problem")))
			.startsWith("Data sync: weights fetched ")
			.endsWith("; Withings did not answer the last attempt; trying again in 1 min");
		assertThat(weightRows()).hasSize(30);
		assertThat(this.browser.getPageSource()).doesNotContain("Exception").doesNotContain("at io.github");
		assertThat(output).contains("Withings sync of MEASURES failed in the fetch");
		screenshot("7-sync-failed");

		// time passes: the sync tries again (Withings answers now) and the weight arrives
		clickAndWaitForPath(By.id("fast-forward"), "/dashboard");
		assertThat(tableWeights()).usingElementComparator(BigDecimal::compareTo).contains(new BigDecimal("81.3"));
		assertThat(text("sync-state")).startsWith("weights fetched just now");

		// Withings fails the disconnect: a friendly page, the link kept
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.connectionReset());
		clickAndWaitForPath(By.id("disconnect"), "/disconnect");
		clickAndWaitForPath(By.id("confirm-disconnect"), "/disconnect");
		assertThat(problem()).isEqualTo("Withings cannot be reached");
		assertThat(this.browser.getPageSource()).doesNotContain("Exception").doesNotContain("at io.github");
		screenshot("8-unreachable");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2,
				SimulatorFault.withingsStatus(2555, "An unknown error occurred"));
		this.browser.get(app("/disconnect"));
		clickAndWaitForPath(By.id("confirm-disconnect"), "/disconnect");
		assertThat(problem()).isEqualTo("Not disconnected yet");
		assertThat(text(By.tagName("body"))).doesNotContain("ERROR").doesNotContain("said no");
		assertThat(storedLink(userId)).isNotNull();
		assertThat(storedKilograms(userId)).hasSize(31);
		screenshot("8-withings-error");

		// the user removes the application in Withings, silently: the sync's next fetch (the backstop,
		// three hours later) finds the link dead; the starter removes it, the sync stops for the user,
		// the sample deletes the weights, and the dashboard sends the user through consent again
		new WithingsRevocationClient(RestClient.create())
			.revoke(this.registrations.findByRegistrationId(DashboardController.REGISTRATION_ID).block(), userId);
		int consents = this.simulator.counters().authorizationCodeGrants();
		this.browser.get(app("/dashboard"));
		clickAndWaitForPath(By.id("fast-forward"), "/dashboard");
		String newUserId = this.wait.until((driver) -> driver.findElement(By.id("user-id")).getText());
		assertThat(newUserId).isNotEqualTo(userId);
		assertThat(this.simulator.counters().authorizationCodeGrants()).isEqualTo(consents + 1);
		awaitSyncedWeights(newUserId, 30);
		// a new consent at the simulator is a new Withings user, so a new principal: its link and first sync
		assertThat(SamplePages.activity(this.browser)).containsOnlyKeys("LINKED", "SYNCED");
		// the lost link's weights are deleted with it, and its user is no longer synced
		this.wait.until((driver) -> storedKilograms(userId).isEmpty());
		assertThat(this.sync.getStore().findByUser(DashboardController.REGISTRATION_ID, userId)).isEmpty();
		assertThat(output).doesNotContain(" ERROR ").doesNotContain("Blocking call");
		screenshot("9-signed-in-again-after-revocation");
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
		awaitSyncedWeights(userId, 30);
		this.browser.navigate().refresh();
		assertThat(this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("subscription"))).getText())
			.isEqualTo("Subscribed to weight and user actions: Withings calls this application when they change");
		awaitLive();
		assertThat(this.browser.findElements(By.id("no-notifications"))).hasSize(1);
		assertThat(weightRows()).hasSize(30);
		screenshot("10-notifications-subscribed");

		// "Step on the scale": the simulator records a weight and notifies the application; the sync
		// fetches what changed (WithingsReactiveApi, awaited on its worker), SyncedWeights stores it in
		// the R2DBC table and tells the page (Server-Sent Events), which reloads
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
		BigDecimal stepped = newestWeight();
		assertThat(storedKilograms(userId)).hasSize(31).usingElementComparator(BigDecimal::compareTo).contains(stepped);
		assertThat(this.browser.findElements(By.cssSelector("#chart circle.point"))).hasSize(31);
		assertThat(acknowledgedWeightNotifications(userId)).isEqualTo(1);
		Map<String, List<String>> activity = SamplePages.activity(this.browser);
		assertThat(activity).containsKeys("LINKED", "NOTIFIED", "SYNCED");
		assertThat(activity.get("SYNCED").get(0)).isEqualTo("Synced 1 measure group from Withings, announced by a notification");
		assertThat(activity.get("NOTIFIED").get(0)).isEqualTo("Received Withings' notification about your weight and answered it");
		assertThat(text("latest-weight")).isEqualTo(stepped.toPlainString());
		SamplePages.assertReadableDashboard(this.browser);
		screenshot("11-after-step-on-scale");
		fullPageScreenshot("11-after-step-on-scale-full");

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
		screenshot("12-updated-live");

		// a notification Withings never delivers: the weight stays at Withings until the backstop,
		// which finds it an hour later (here: after "Fast-forward") and counts the missed notification
		this.simulator.dropNotifications(userId, 1);
		this.simulator.stepOnScale(userId, 79.9);
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
		// the sync, the listener, the R2DBC writes and the stream ran with BlockHound installed:
		// nothing blocked an event loop
		assertThat(output).doesNotContain("Blocking call").doesNotContain("BlockingOperationError");
		screenshot("13-backstop-found-a-lost-notification");

		// the session ends while the page is open (a restart forgets sessions): the stream's
		// reconnect is answered 401, not the home page in Thymeleaf's SSE mode (a 500), and the
		// page reloads to the sign-in page
		awaitLive();
		this.browser.manage().deleteCookieNamed("SESSION");
		this.updates.closeAll();
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
		assertThat(this.browser.getCurrentUrl()).isEqualTo(app("/"));
		assertThat(this.browser.findElements(By.id("denied"))).isEmpty();
		assertThat(output).doesNotContain(" ERROR ");
		screenshot("14-stream-after-session-ended");

		// sign out keeps the link, revokes nothing; signing in again works
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");
		String signedIn = this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-id"))).getText();
		clickAndWaitForPath(By.id("sign-out"), "/");
		assertThat(this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out-note"))).getText())
			.contains("Your Withings link is kept");
		assertThat(this.browser.getCurrentUrl()).isEqualTo(app("/?signed-out"));
		assertThat(this.browser.findElements(By.id("denied"))).isEmpty();
		assertThat(this.simulator.counters().revocations()).isZero();
		assertThat(storedLink(signedIn)).isNotNull();
		assertThat(storedKilograms(userId)).hasSize(33);
		screenshot("15-signed-out-link-kept");
		clickAndWaitForPath(By.id("sign-in"), "/dashboard");
		assertThat(this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user-id"))).getText())
			.matches("\\d+");
	}

	private String app(String path) {
		return "http://localhost:" + this.port + path;
	}

	private void clickAndWaitForPath(By button, String path) {
		clickAndWaitForPath(this.wait.until(ExpectedConditions.elementToBeClickable(button)), path);
	}

	/** Clicks, waits until the page was replaced and the browser is on the path. */
	private void clickAndWaitForPath(WebElement button, String path) {
		WebElement page = this.browser.findElement(By.tagName("html"));
		button.click();
		awaitReplaced(page);
		this.wait.until((driver) -> path.equals(URI.create(driver.getCurrentUrl()).getPath())
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
			.findByUser(DashboardController.REGISTRATION_ID, userId)
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

	/** The weights the sample stored for the user, read through its ConnectionFactory. */
	private List<BigDecimal> storedKilograms(String principalName) {
		return DatabaseClient.create(this.connectionFactory)
			.sql("SELECT kilograms FROM sample_measurement WHERE principal_name = :principal")
			.bind("principal", principalName)
			.map((row, metadata) -> row.get("kilograms", BigDecimal.class))
			.all()
			.collectList()
			.block(Duration.ofSeconds(10));
	}

	/** The link's row in the store's table, {@code null} when there is none. */
	private Map<String, Object> storedLink(String principalName) {
		return DatabaseClient.create(this.connectionFactory)
			.sql("SELECT withings_user_id, refresh_token_hash FROM withings_authorized_client "
					+ "WHERE client_registration_id = :registration AND principal_name = :principal")
			.bind("registration", DashboardController.REGISTRATION_ID)
			.bind("principal", principalName)
			.fetch()
			.one()
			.block(Duration.ofSeconds(10));
	}

	/** When the access token expires, as the page has it (to the millisecond). */
	private String expiresAt() {
		return this.browser.findElement(By.cssSelector("#expires time")).getDomAttribute("data-epoch");
	}

	private String text(String id) {
		return text(By.id(id));
	}

	private String problem() {
		return this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("problem"))).getText();
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
