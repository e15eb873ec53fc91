package io.github.springwithings.web.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.springwithings.api.WithingsApi;
import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsReactiveApi;
import io.github.springwithings.oauth2.client.WithingsTestFixture;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import io.github.springwithings.oauth2.client.endpoint.WithingsAccessTokenResponseClient;
import io.github.springwithings.oauth2.client.endpoint.WithingsClientAuthentication;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.web.reactive.function.client.WithingsExchangeFilterFunction;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Observations (metrics) of nonces, code exchanges, refreshes and API calls, with their
 * low-cardinality tags.
 */
class WithingsObservationTests {

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private WithingsSimulator simulator;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	@Test
	void codeExchangeWhenSignedThenTokenAndNonceObservations() {
		ClientRegistration registration = TestClientRegistrations.withings(this.simulator).build();
		WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> client = WithingsAccessTokenResponseClient
			.authorizationCode(WithingsClientRegistrations.withIds(List.of("withings")),
					WithingsClientAuthentication.SIGNATURE, RestClient.builder());
		client.setObservationRegistry(this.registry);
		String code = this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI,
				"user.metrics");

		client.getTokenResponse(TestClientRegistrations.codeGrant(registration, code));

		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("withings.oauth2.token")
			.that()
			.hasLowCardinalityKeyValue("registration.id", "withings")
			.hasLowCardinalityKeyValue("grant", "authorization_code")
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasLowCardinalityKeyValue("error", "none")
			.hasLowCardinalityKeyValue("withings.status.family", "OK")
			.hasBeenStopped();
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("withings.oauth2.nonce")
			.that()
			.hasLowCardinalityKeyValue("outcome", "success");
	}

	@Test
	void refreshWhenRefreshTokenDeadThenFailureObservedWithTheReason() {
		ClientRegistration registration = TestClientRegistrations.withings(this.simulator).build();
		WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> client = WithingsAccessTokenResponseClient
			.refreshToken(WithingsClientRegistrations.withIds(List.of("withings")),
					WithingsClientAuthentication.CLIENT_SECRET, RestClient.builder());
		client.setObservationRegistry(this.registry);
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "a",
				Instant.now(), Instant.now().plusSeconds(60));

		assertThatExceptionOfType(OAuth2AuthorizationException.class).isThrownBy(() -> client.getTokenResponse(
				new OAuth2RefreshTokenGrantRequest(registration, accessToken, new OAuth2RefreshToken("dead", null))));

		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("withings.oauth2.token")
			.that()
			.hasLowCardinalityKeyValue("grant", "refresh_token")
			.hasLowCardinalityKeyValue("outcome", "failure")
			.hasLowCardinalityKeyValue("error", "invalid_grant")
			.hasLowCardinalityKeyValue("withings.status.family", "INVALID_PARAMS")
			.assertThatError()
			.isInstanceOf(OAuth2AuthorizationException.class);
	}

	@Test
	void apiCallsThenObservedWithActionOutcomeAndStatusFamily() {
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				null);
		fixture.link("alice", "36000042");
		WithingsRestClientConfigurer configurer = new WithingsRestClientConfigurer(fixture.clients, fixture.service);
		configurer.setObservationRegistry(this.registry);
		WithingsApi api = new WithingsApi(RestClient.builder().baseUrl(this.simulator.baseUrl()).apply(configurer).build())
			.forUser("36000042");

		api.call("/measure", "getmeas", Map.of(), Map.class);
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> api.call("/measure", "getactivity", Map.of(), Map.class));

		TestObservationRegistryAssert.assertThat(this.registry)
			.hasHandledContextsThatSatisfy((contexts) -> org.assertj.core.api.Assertions.assertThat(contexts)
				.filteredOn((context) -> context.getName().equals("withings.api"))
				.extracting((context) -> context.getLowCardinalityKeyValue("action").getValue() + "/"
						+ context.getLowCardinalityKeyValue("outcome").getValue() + "/"
						+ context.getLowCardinalityKeyValue("withings.status.family").getValue())
				.containsExactly("getmeas/success/OK", "getactivity/failure/NOT_IMPLEMENTED"));
	}

	/**
	 * The same observation through the WebClient filter, inside the WebClient's own (which Spring
	 * starts around its filters).
	 */
	@Test
	void apiCallsThroughTheWebClientThenObservedWithActionOutcomeAndStatusFamily() {
		WithingsTestFixture fixture = new WithingsTestFixture(this.simulator, WithingsClientAuthentication.SIGNATURE,
				null);
		fixture.link("alice", "36000042");
		WithingsExchangeFilterFunction filter = new WithingsExchangeFilterFunction(fixture.clients, fixture.service);
		filter.setObservationRegistry(this.registry);
		WithingsReactiveApi api = new WithingsReactiveApi(WebClient.builder()
			.baseUrl(this.simulator.baseUrl())
			.observationRegistry(this.registry)
			.filter(filter)
			.build());

		api.forUser("36000042").call("/measure", "getmeas", Map.of(), Map.class).block();
		assertThatExceptionOfType(WithingsApiException.class)
			.isThrownBy(() -> api.forUser("36000042").call("/measure", "getactivity", Map.of(), Map.class).block());
		assertThatExceptionOfType(ClientAuthorizationRequiredException.class)
			.isThrownBy(() -> api.forPrincipal("nobody").call("/measure", "getmeas", Map.of(), Map.class).block());

		TestObservationRegistryAssert.assertThat(this.registry)
			.hasHandledContextsThatSatisfy((contexts) -> org.assertj.core.api.Assertions.assertThat(contexts)
				.filteredOn((context) -> context.getName().equals("withings.api"))
				.extracting((context) -> context.getLowCardinalityKeyValue("registration.id").getValue() + "/"
						+ context.getLowCardinalityKeyValue("action").getValue() + "/"
						+ context.getLowCardinalityKeyValue("outcome").getValue() + "/"
						+ context.getLowCardinalityKeyValue("withings.status.family").getValue())
				.containsExactly("withings/getmeas/success/OK", "withings/getactivity/failure/NOT_IMPLEMENTED",
						"withings/getmeas/failure/AUTHENTICATION_FAILED"));
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("withings.api")
			.that()
			.hasParentObservationContextMatching((parent) -> parent.getName().equals("http.client.requests"));
	}

	/** Reactive operators may cancel a call that has already answered: its outcome stays. */
	@Test
	void callWhenCancelledAfterItsAnswerThenStoppedOnceAsASuccess() {
		AtomicInteger stops = new AtomicInteger();
		this.registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				stops.incrementAndGet();
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		WithingsApiObservations.Call call = WithingsApiObservations.start(this.registry, "withings", "getmeas", null);

		call.succeeded();
		call.cancelled();
		call.failed(new IllegalStateException("late"));

		assertThat(stops).hasValue(1);
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("withings.api")
			.that()
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasLowCardinalityKeyValue("withings.status.family", "OK")
			.doesNotHaveError();
	}

}
