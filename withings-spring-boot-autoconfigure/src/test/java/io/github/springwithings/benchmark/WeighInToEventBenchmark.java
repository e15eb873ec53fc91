package io.github.springwithings.benchmark;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasureGroup;
import io.github.springwithings.notification.WithingsAppli;
import io.github.springwithings.notification.WithingsNotificationEvent;
import io.github.springwithings.oauth2.client.WithingsAuthorizedClientService;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.simulator.SimulatorSubscription;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.sync.WithingsDataSyncedEvent;

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

/**
 * From a weigh-in at the simulator ({@code stepOnScale}) to the weight in the application: a real
 * servlet application (Tomcat, the JDBC store on H2, the notification callback subscribed on
 * link) receives Withings' notification over HTTP, and the time until the new group reaches a
 * listener is measured, 50 weigh-ins (after 5 unmeasured), one at a time, a second apart (the
 * sync's share of the budget: 60 requests a minute). Two applications: the starter's data sync
 * ({@code WithingsDataSyncedEvent<WithingsMeasureGroup>}), and what an application writes without
 * it (Spring has no equivalent): its own listener of {@code WithingsNotificationEvent} calling
 * {@code getmeas} for the notification's dates.
 *
 * <p>Run: {@code ./mvnw -B -q -pl withings-spring-boot-autoconfigure -am process-test-classes -Dwithings.benchmark=WeighInToEventBenchmark}.
 * About 2 minutes. It prints a Markdown table: printing is its purpose, hence standard output.
 */
public final class WeighInToEventBenchmark {

	private static final int WARM_UP = 5;

	private static final int SAMPLES = 50;

	private static final String PATH = "/withings/notifications/Bq7xv9Tt1mPw";

	private WeighInToEventBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		StringBuilder table = new StringBuilder();
		table.append("| variant | weigh-ins | p50 | p99 | max |\n|---|---:|---:|---:|---:|\n");
		for (boolean sync : new boolean[] { true, false }) {
			try (WithingsSimulator simulator = WithingsSimulator.start()) {
				List<Long> millis = run(simulator, sync);
				table.append(String.format(Locale.ROOT, "| %s | %d | %d ms | %d ms | %d ms |%n",
						sync ? "data sync: `WithingsDataSyncedEvent<WithingsMeasureGroup>`"
								: "the application's own `WithingsNotificationEvent` listener calling `getmeas`",
						millis.size(), percentile(millis, 0.50), percentile(millis, 0.99),
						percentile(millis, 1.0)));
			}
		}
		System.out.print(table);
		System.exit(0);
	}

	private static List<Long> run(WithingsSimulator simulator, boolean sync) throws Exception {
		try (ConfigurableApplicationContext context = start(simulator, sync)) {
			String userId = link(simulator, context);
			long subscribed = System.nanoTime();
			while (simulator.subscriptions(userId).stream().noneMatch((subscription) -> subscription.appli() == 1)) {
				if (System.nanoTime() - subscribed > TimeUnit.SECONDS.toNanos(30)) {
					throw new IllegalStateException("not subscribed: " + simulator.subscriptions(userId).stream()
						.map(SimulatorSubscription::appli)
						.toList());
				}
				Thread.sleep(20);
			}
			Weights weights = context.getBean(Weights.class);
			List<Long> samples = new ArrayList<>();
			for (int i = 0; i < WARM_UP + SAMPLES; i++) {
				// a weight not seen before: the group is recognised by it
				BigDecimal kg = new BigDecimal("70.000").add(new BigDecimal(i + 1).movePointLeft(3));
				weights.arrived.clear();
				long start = System.nanoTime();
				if (simulator.stepOnScale(userId, kg.doubleValue()) != 1) {
					throw new IllegalStateException("not notified");
				}
				while (true) {
					BigDecimal arrived = weights.arrived.poll(30, TimeUnit.SECONDS);
					if (arrived == null) {
						throw new IllegalStateException("no weight after 30 s");
					}
					if (arrived.compareTo(kg) == 0) {
						break;
					}
				}
				long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				if (i >= WARM_UP) {
					samples.add(elapsed);
				}
				// a user weighs themselves now and then: the next weigh-in finds the sync's share free
				Thread.sleep(1_000);
			}
			return samples;
		}
	}

	private static ConfigurableApplicationContext start(WithingsSimulator simulator, boolean sync) {
		return new SpringApplicationBuilder(sync ? SyncApplication.class : StockApplication.class)
			.properties("server.port=0", "spring.datasource.url=jdbc:h2:mem:weigh-in-" + sync + ";DB_CLOSE_DELAY=-1",
					"spring.security.oauth2.client.registration.withings.client-id=" + WithingsSimulator.DEFAULT_CLIENT_ID,
					"spring.security.oauth2.client.registration.withings.client-secret="
							+ WithingsSimulator.DEFAULT_CLIENT_SECRET,
					"spring.security.oauth2.client.registration.withings.redirect-uri="
							+ TestClientRegistrations.REDIRECT_URI,
					"withings.api-base-uri=" + simulator.baseUrl(), "withings.account-base-uri=" + simulator.baseUrl(),
					"withings.client-authentication=client-secret", "withings.nonce.prefetch=false",
					"withings.notifications.callback-url=http://127.0.0.1:0" + PATH,
					"withings.notifications.allowed-sources=127.0.0.1/32,::1/128",
					"withings.notifications.subscribe-spacing=0s", "withings.sync.enabled=" + sync,
					"withings.sync.kinds=measures", "logging.level.root=WARN")
			.run();
	}

	/** A user links, as Spring's login filter would store them: subscribed on link. */
	@SuppressWarnings("unchecked")
	private static String link(WithingsSimulator simulator, ConfigurableApplicationContext context) {
		String userId = "52000001";
		simulator.setConsentingUserId(userId);
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
			.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, userId, response.getAccessToken(),
					response.getRefreshToken()), new TestingAuthenticationToken(userId, null));
		return userId;
	}

	private static long percentile(List<Long> values, double percentile) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int index = (int) Math.ceil(percentile * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
	}

	/** The weights the application received. */
	static class Weights {

		final BlockingQueue<BigDecimal> arrived = new LinkedBlockingQueue<>();

		void add(WithingsMeasureGroup group) {
			group.measure(WithingsMeasure.WEIGHT).ifPresent((weight) -> this.arrived.add(weight.value()));
		}

	}

	/** With the data sync: a listener of the typed event. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class SyncApplication {

		@Bean
		Weights weights() {
			return new Weights();
		}

		@Bean
		SyncListener syncListener(Weights weights) {
			return new SyncListener(weights);
		}

	}

	record SyncListener(Weights weights) {

		@EventListener
		void on(WithingsDataSyncedEvent<WithingsMeasureGroup> event) {
			event.records().forEach(this.weights::add);
		}

	}

	/** Without it: the application's own listener of notifications calls {@code getmeas}. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class StockApplication {

		@Bean
		Weights weights() {
			return new Weights();
		}

		@Bean
		StockListener stockListener(Weights weights, WithingsApi withingsApi) {
			return new StockListener(weights, withingsApi);
		}

	}

	record StockListener(Weights weights, WithingsApi withingsApi) {

		@EventListener
		void on(WithingsNotificationEvent event) {
			if (event.appli() == WithingsAppli.WEIGHT) {
				this.withingsApi.forUser(event.userId())
					.getMeasures(event.startDate(), event.endDate().plus(Duration.ofSeconds(1)))
					.groups()
					.forEach(this.weights::add);
			}
		}

	}

}
