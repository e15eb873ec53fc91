package io.github.springwithings.notification;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;

import io.github.springwithings.notification.WithingsNotificationReceiver.Outcome;
import io.github.springwithings.notification.WithingsNotificationReceiver.Reply;
import io.github.springwithings.oauth2.client.InMemoryWithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The decisions of the notification callback, without HTTP (the executor runs tasks at once).
 */
class WithingsNotificationReceiverTests {

	private final ClientRegistration registration = TestClientRegistrations.withings("https://wbsapi.example").build();

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private InMemoryWithingsAuthorizedClientService store;

	private WithingsNotificationReceiver receiver;

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	private Instant now = Instant.parse("2026-11-25T10:00:00Z");

	@BeforeEach
	void setUp() {
		this.store = new InMemoryWithingsAuthorizedClientService(new InMemoryClientRegistrationRepository(this.registration));
		this.store.setApplicationEventPublisher(this.events::add);
		this.receiver = new WithingsNotificationReceiver("/withings/notify/s3cret", this.store, List.of("withings"),
				this.events::add, Runnable::run);
		this.receiver.setObservationRegistry(this.observations);
		this.receiver.setClock(new Clock() {
			@Override
			public Instant instant() {
				return WithingsNotificationReceiverTests.this.now;
			}

			@Override
			public ZoneId getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(ZoneId zone) {
				return this;
			}
		});
		String accessToken = "access-alice";
		this.store.rememberUserId(accessToken, "363");
		this.store.saveAuthorizedClient(new OAuth2AuthorizedClient(this.registration, "alice",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, accessToken, this.now,
						this.now.plus(Duration.ofHours(3)), Set.of("user.metrics")),
				new OAuth2RefreshToken("refresh-alice", this.now)), new TestingAuthenticationToken("alice", null));
		this.events.clear();
	}

	@Test
	void receiveWhenLinkedUserThenEventWithInstantsAndPrincipal() {
		assertThat(post("userid=363&appli=1&startdate=1735689600&enddate=1735693200&foo=bar").status()).isEqualTo(200);

		assertThat(this.events).singleElement().isInstanceOfSatisfying(WithingsNotificationEvent.class, (event) -> {
			assertThat(event.principalName()).isEqualTo("alice");
			assertThat(event.userId()).isEqualTo("363");
			assertThat(event.appli()).isEqualTo(WithingsAppli.WEIGHT);
			assertThat(event.startDate()).isEqualTo(Instant.ofEpochSecond(1735689600));
			assertThat(event.endDate()).isEqualTo(Instant.ofEpochSecond(1735693200));
			assertThat(event.date()).isNull();
		});
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasObservationWithNameEqualTo(WithingsNotificationReceiver.OBSERVATION_NAME)
			.that()
			.hasLowCardinalityKeyValue("appli", "weight");
	}

	@Test
	void receiveWhenEventCategoryThenDateAsEpochOrDayAndDeviceId() {
		post("userid=363&appli=50&date=1735689600&deviceid=abc123");
		post("userid=363&appli=51&date=2026-01-02&deviceid=abc123");

		assertThat(this.events).extracting((event) -> ((WithingsNotificationEvent) event).date())
			.containsExactly(Instant.ofEpochSecond(1735689600), Instant.parse("2026-01-02T00:00:00Z"));
		assertThat(((WithingsNotificationEvent) this.events.get(1)).deviceId()).isEqualTo("abc123");
	}

	@Test
	void receiveWhenSameNotificationAgainThenPublishedOnceUntilTheWindowEnds() {
		String body = "userid=363&appli=1&startdate=1&enddate=2";
		post(body);
		post(body);
		assertThat(this.events).hasSize(1);
		assertThat(this.receiver.count(Outcome.DUPLICATE)).isOne();

		this.now = this.now.plus(Duration.ofHours(7));
		post(body);
		assertThat(this.events).hasSize(2);
	}

	@Test
	void receiveWhenMoreThanRememberedThenOldestForgotten() {
		this.receiver.setMaxRemembered(2);
		post("userid=363&appli=1&startdate=1&enddate=1");
		post("userid=363&appli=1&startdate=2&enddate=2");
		post("userid=363&appli=1&startdate=3&enddate=3");
		post("userid=363&appli=1&startdate=1&enddate=1");

		assertThat(this.events).hasSize(4);
	}

	@Test
	void receiveWhenUnknownUserThenAcknowledgedCountedNotPublished() {
		assertThat(post("userid=999&appli=1&startdate=1&enddate=2").status()).isEqualTo(200);

		assertThat(this.events).isEmpty();
		assertThat(this.receiver.count(Outcome.UNKNOWN_USER)).isOne();
	}

	@Test
	void receiveWhenUnlinkWithoutAuthorizedClientsThenLinkLeftToItsNextRefreshAndPublished() {
		post("userid=363&appli=46&action=unlink");

		// nobody to ask Withings (the auto-configuration sets WithingsAuthorizedClients: see the
		// notification integration tests): an unlink alone never removes a link that may work
		assertThat(this.store.loadByUserId("withings", "363")).isNotNull();
		assertThat(this.events).singleElement().isInstanceOfSatisfying(WithingsNotificationEvent.class,
				(event) -> assertThat(event.unlinked()).isTrue());
	}

	@Test
	void receiveWhenUserActionUpdateThenLinkKept() {
		post("userid=363&appli=46&action=update");

		assertThat(this.store.loadByUserId("withings", "363")).isNotNull();
		assertThat(this.events).singleElement().isInstanceOf(WithingsNotificationEvent.class);
	}

	@Test
	void receiveWhenUnknownAppliThenPublishedAsUnknownWithItsCode() {
		post("userid=363&appli=77");

		assertThat(this.events).singleElement().isInstanceOfSatisfying(WithingsNotificationEvent.class, (event) -> {
			assertThat(event.appli()).isEqualTo(WithingsAppli.UNKNOWN);
			assertThat(event.appliCode()).isEqualTo(77);
		});
		assertThat(this.receiver.count(Outcome.UNKNOWN_APPLI)).isOne();
	}

	@Test
	void receiveWhenListenerFailsThenStillAcknowledgedAndCounted() {
		WithingsNotificationReceiver failing = new WithingsNotificationReceiver("/n", this.store, List.of("withings"),
				(event) -> {
					throw new IllegalStateException("listener bug");
				}, Runnable::run);

		assertThat(failing.receive("userid=363&appli=1".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
		assertThat(failing.count(Outcome.FAILED)).isOne();
	}

	@Test
	void receiveWhenExecutorRefusesThen503AndTheRetryIsNotADuplicate() {
		boolean[] refuse = { true };
		WithingsNotificationReceiver busy = new WithingsNotificationReceiver("/n", this.store, List.of("withings"),
				this.events::add, (task) -> {
					if (refuse[0]) {
						throw new RejectedExecutionException("full");
					}
					task.run();
				});
		byte[] body = "userid=363&appli=1".getBytes(StandardCharsets.UTF_8);

		assertThat(busy.receive(body).status()).isEqualTo(503);
		refuse[0] = false;
		assertThat(busy.receive(body).status()).isEqualTo(200);
		assertThat(this.events).hasSize(1);
	}

	@Test
	void beforeBodyWhenMethodsSourcesAndSizesThenAnswers() {
		assertThat(this.receiver.beforeBody("HEAD", "203.0.113.9", null, -1)).isEqualTo(new Reply(200, ""));
		assertThat(this.receiver.beforeBody("GET", "203.0.113.9", null, -1).status()).isEqualTo(405);
		assertThat(this.receiver.beforeBody("POST", "203.0.113.9", "application/x-www-form-urlencoded;charset=UTF-8", 50))
			.isNull();
		assertThat(this.receiver.beforeBody("POST", "203.0.113.9", null, 50)).isNull();
		assertThat(this.receiver.beforeBody("POST", "203.0.113.9", "text/plain", 50).status()).isEqualTo(415);
		assertThat(this.receiver.beforeBody("POST", "203.0.113.9", null, 100_000).status()).isEqualTo(413);
		assertThat(this.receiver.receive(null).status()).isEqualTo(413);

		this.receiver.setAllowedSources(List.of("198.51.100.0/24", "2001:db8::/32"));
		assertThat(this.receiver.beforeBody("POST", "203.0.113.9", null, 50).status()).isEqualTo(403);
		assertThat(this.receiver.beforeBody("HEAD", "203.0.113.9", null, -1).status()).isEqualTo(403);
		assertThat(this.receiver.beforeBody("POST", "198.51.100.7", null, 50)).isNull();
		assertThat(this.receiver.beforeBody("POST", "2001:db8::1", null, 50)).isNull();
		assertThat(this.receiver.beforeBody("POST", null, null, 50).status()).isEqualTo(403);
		assertThat(this.receiver.count(Outcome.FORBIDDEN)).isEqualTo(3);
	}

	@Test
	void setAllowedSourcesWhenNotAnAddressThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.receiver.setAllowedSources(List.of("withings.net")));
	}

	@Test
	void receiveWhenInvalidThen400WithReason() {
		assertThat(post("appli=1")).isEqualTo(new Reply(400, "userid is missing"));
		assertThat(post("userid=1&appli=1&enddate=99999999999999999999").status()).isEqualTo(400);
		assertThat(post("userid=1&appli=1&startdate=9999999999999999999").status()).isEqualTo(400);
		assertThat(post("userid=1&appli=1234567890").status()).isEqualTo(400);
		assertThat(this.events).isEmpty();
	}

	@Test
	void getLastReceivedWhenNotificationsAndRetriesThenTheLastValidOneOnly() {
		assertThat(this.receiver.getLastReceived()).isNull();
		post("userid=363&appli=1&startdate=1&enddate=2");
		Instant first = this.now;
		this.now = this.now.plus(Duration.ofMinutes(5));
		post("appli=1");
		assertThat(this.receiver.getLastReceived()).as("an invalid body is no notification").isEqualTo(first);

		post("userid=363&appli=1&startdate=1&enddate=2");

		assertThat(this.receiver.getLastReceived()).as("a retry is a callback too").isEqualTo(this.now);
	}

	@Test
	void maskWhenPathThenLastSegmentHidden() {
		assertThat(WithingsNotificationReceiver.mask("/withings/notify/s3cret")).isEqualTo("/withings/notify/****");
		assertThat(WithingsNotificationReceiver.mask("/s3cret")).isEqualTo("/****");
		assertThat(WithingsNotificationReceiver.mask("/a/s3cret/")).isEqualTo("/a/****");
		assertThat(WithingsNotificationReceiver.mask("/")).isEqualTo("/");
	}

	private Reply post(String body) {
		return this.receiver.receive(body.getBytes(StandardCharsets.UTF_8));
	}

	/** Under a context path (or a WebFlux base path) the callback URL's path is the request's whole path. */
	@Test
	void matchesWhenTheConfiguredPathIsTheWholePathOrThePathWithinTheApplicationThenOnlyThatPath() {
		assertThat(this.receiver.matches("/withings/notify/s3cret", "/withings/notify/s3cret")).isTrue();
		assertThat(this.receiver.matches("/app/withings/notify/s3cret", "/withings/notify/s3cret")).isTrue();
		WithingsNotificationReceiver underContextPath = new WithingsNotificationReceiver("/app/withings/notify/s3cret",
				this.store, List.of("withings"), (event) -> {
				}, Runnable::run);
		assertThat(underContextPath.matches("/app/withings/notify/s3cret", "/withings/notify/s3cret")).isTrue();
		assertThat(underContextPath.matches("/app/withings/notify/s3cret/", "/withings/notify/s3cret/")).isFalse();
		assertThat(this.receiver.matches("/app/withings/notify/guess", "/withings/notify/guess")).isFalse();
	}

}
