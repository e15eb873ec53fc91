package io.github.springwithings.integration;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasureGroup;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.sync.WithingsDataSync;
import io.github.springwithings.sync.WithingsDataSyncedEvent;
import io.github.springwithings.sync.WithingsSyncCursorStore;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.ResolvableType;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The data sync with Withings' notifications over HTTP: a servlet application (Tomcat, the memory
 * store) subscribed on link, its sync's worker running on the simulator's clock. A weigh-in is
 * notified and reaches the typed event; a weigh-in whose notification the simulator drops is
 * delivered by the backstop once its period passed, and counted as missed.
 */
class WithingsDataSyncNotificationIntegrationTests {

	private static final String PATH = "/withings/notifications/Sy7xv9Tt1mPq";

	private static final String USER = "53000001";

	private static WithingsSimulator simulator;

	private static ConfigurableApplicationContext context;

	private static Recorder recorder;

	@BeforeAll
	static void start() {
		simulator = WithingsSimulator.start();
		context = new SpringApplicationBuilder(NotifiedApplication.class)
			.properties("server.port=0", "withings.store.type=memory",
					"spring.security.oauth2.client.registration.withings.client-id=" + WithingsSimulator.DEFAULT_CLIENT_ID,
					"spring.security.oauth2.client.registration.withings.client-secret="
							+ WithingsSimulator.DEFAULT_CLIENT_SECRET,
					"spring.security.oauth2.client.registration.withings.redirect-uri="
							+ TestClientRegistrations.REDIRECT_URI,
					"withings.api-base-uri=" + simulator.baseUrl(), "withings.account-base-uri=" + simulator.baseUrl(),
					"withings.client-authentication=client-secret", "withings.nonce.prefetch=false",
					"withings.rate-limit.requests-per-minute=6000",
					"withings.notifications.callback-url=http://127.0.0.1:0" + PATH,
					"withings.notifications.allowed-sources=127.0.0.1/32,::1/128",
					"withings.notifications.subscribe-spacing=0s", "withings.sync.enabled=true",
					"withings.sync.kinds=measures", "withings.sync.backstop-period=20m",
					"withings.sync.missed-grace=1m", "withings.sync.poll-interval=100ms")
			.run();
		recorder = context.getBean(Recorder.class);
		link();
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> simulator.subscriptions(USER).stream().anyMatch((subscription) -> subscription.appli() == 1));
		// the first sync (the initial look-back) is done
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> context.getBean(WithingsSyncCursorStore.class)
				.findByUser("withings", USER)
				.stream()
				.anyMatch((cursor) -> cursor.lastSyncedAt() != null));
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		simulator.stop();
	}

	@Test
	void weighInWhenNotifiedThenTheNewGroupInTheTypedEventAnnounced() {
		assertThat(simulator.stepOnScale(USER, 71.3)).isOne();

		WithingsDataSyncedEvent<WithingsMeasureGroup> event = awaitWeight("71.300");

		assertThat(event.announced()).isTrue();
		assertThat(event.userId()).isEqualTo(USER);
	}

	@Test
	void weighInWhenTheNotificationIsDroppedThenTheBackstopDeliversItWithinItsPeriodAndCountsItMissed() {
		WithingsDataSync sync = context.getBean(WithingsDataSync.class);
		long missed = sync.getStatistics().getMissedNotifications();
		simulator.dropNotifications(USER, 1);
		int dropped = simulator.droppedNotifications();
		// a later second than the last fetch's (Withings' modified is in whole seconds)
		simulator.clock().advance(Duration.ofSeconds(2));

		assertThat(simulator.stepOnScale(USER, 72.4)).as("notifications sent").isZero();
		assertThat(simulator.droppedNotifications()).isEqualTo(dropped + 1);
		simulator.clock().advance(Duration.ofMinutes(20).plusSeconds(2));

		WithingsDataSyncedEvent<WithingsMeasureGroup> event = awaitWeight("72.400");

		assertThat(event.announced()).as("found by the backstop").isFalse();
		assertThat(sync.getStatistics().getMissedNotifications()).isEqualTo(missed + 1);
	}

	private static WithingsDataSyncedEvent<WithingsMeasureGroup> awaitWeight(String kg) {
		BigDecimal weight = new BigDecimal(kg);
		return Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> recorder.events.stream()
				.filter((event) -> event.records()
					.stream()
					.anyMatch((group) -> group.measure(WithingsMeasure.WEIGHT)
						.map((measure) -> measure.value().compareTo(weight) == 0)
						.orElse(false)))
				.findFirst()
				.orElse(null), (found) -> found != null);
	}

	/** The user links, as Spring's login filter would store them: subscribed on link. */
	@SuppressWarnings("unchecked")
	private static void link() {
		simulator.setConsentingUserId(USER);
		ClientRegistration registration = context.getBean(ClientRegistrationRepository.class)
			.findByRegistrationId("withings");
		String code = simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI,
				"user.metrics,user.activity");
		OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> codeClient = (OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest>) context
			.getBeanProvider(ResolvableType.forClassWithGenerics(OAuth2AccessTokenResponseClient.class,
					OAuth2AuthorizationCodeGrantRequest.class))
			.getObject();
		OAuth2AccessTokenResponse response = codeClient
			.getTokenResponse(TestClientRegistrations.codeGrant(registration, code));
		context.getBean(WithingsAuthorizedClientService.class)
			.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, USER, response.getAccessToken(),
					response.getRefreshToken()), new TestingAuthenticationToken(USER, null));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class NotifiedApplication {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		/** The sync follows the simulator's clock from its start. */
		@Bean
		static BeanPostProcessor syncOnTheSimulatorsClock() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessBeforeInitialization(Object bean, String beanName) {
					if (bean instanceof WithingsDataSync sync) {
						sync.setClock(simulator.clock());
					}
					return bean;
				}

			};
		}

	}

	static class Recorder {

		final List<WithingsDataSyncedEvent<WithingsMeasureGroup>> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(WithingsDataSyncedEvent<WithingsMeasureGroup> event) {
			this.events.add(event);
		}

	}

}
