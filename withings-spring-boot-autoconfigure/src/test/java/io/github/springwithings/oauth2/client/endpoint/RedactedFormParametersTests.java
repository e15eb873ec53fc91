package io.github.springwithings.oauth2.client.endpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.github.springwithings.api.WithingsRateLimitException;
import io.github.springwithings.oauth2.client.registration.WithingsClientRegistrations;
import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.simulator.RefreshTokenState;
import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RedactedFormParameters}: placeholders that cannot be restored are never sent,
 * and no secret stays in the thread-local after a request, whatever failed.
 */
class RedactedFormParametersTests {

	private static final String SCOPE = "user.metrics,user.activity";

	private WithingsSimulator simulator;

	private ClientRegistration registration;

	private ExecutorService otherThread;

	@BeforeEach
	void start() {
		RedactedFormParameters.clear();
		this.simulator = WithingsSimulator.start();
		this.simulator.setConsentingUserId("36000001");
		this.registration = TestClientRegistrations.withings(this.simulator).build();
		this.otherThread = Executors.newSingleThreadExecutor();
	}

	@AfterEach
	void stop() {
		this.otherThread.shutdownNow();
		this.simulator.stop();
		RedactedFormParameters.clear();
	}

	@Test
	void restoreWhenSameThreadThenRealValuesEncodedAndNothingKept() throws IOException {
		MultiValueMap<String, String> form = form("a b&c=d");
		RedactedFormParameters.redact(form);
		assertThat(form.getFirst("code")).startsWith("withings-redacted-").doesNotContain("a b");

		byte[] restored = RedactedFormParameters.restore(encoded(form));

		assertThat(new String(restored, StandardCharsets.UTF_8)).isEqualTo("action=requesttoken&code=a+b%26c%3Dd");
		assertThat(RedactedFormParameters.holdsNothing()).isTrue();
	}

	@Test
	void restoreWhenNothingRedactedThenBodyUnchanged() throws IOException {
		byte[] body = "action=getmeas".getBytes(StandardCharsets.UTF_8);

		assertThat(RedactedFormParameters.restore(body)).isSameAs(body);
	}

	@Test
	void restoreWhenOnAnotherThreadThenNotRestoredExceptionWithoutValues() {
		MultiValueMap<String, String> form = form("secret-code-1234");
		RedactedFormParameters.redact(form);
		byte[] body = encoded(form);

		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.otherThread.submit(() -> RedactedFormParameters.restore(body)).get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(RedactedFormParameters.PlaceholderNotRestoredException.class)
			.withMessage(RedactedFormParameters.PlaceholderNotRestoredException.MESSAGE);
	}

	@Test
	void restoreWhenPlaceholderUnknownThenNotRestoredExceptionAndNothingKept() {
		MultiValueMap<String, String> earlier = form("earlier-code");
		RedactedFormParameters.redact(earlier);
		byte[] earlierBody = encoded(earlier);
		RedactedFormParameters.redact(form("later-code"));

		assertThatExceptionOfType(RedactedFormParameters.PlaceholderNotRestoredException.class)
			.isThrownBy(() -> RedactedFormParameters.restore(earlierBody));
		assertThat(RedactedFormParameters.holdsNothing()).isTrue();
	}

	@Test
	void restoringWhenPlaceholderLeftThenExecutionNeverCalled() {
		MultiValueMap<String, String> form = form("secret-code-1234");
		RedactedFormParameters.redact(form);
		byte[] body = encoded(form);
		RedactedFormParameters.clear();
		List<byte[]> sent = new ArrayList<>();

		assertThatExceptionOfType(RedactedFormParameters.PlaceholderNotRestoredException.class)
			.isThrownBy(() -> RedactedFormParameters.restoring()
				.intercept(new MockClientHttpRequest(HttpMethod.POST, "/v2/oauth2"), body, (request, bytes) -> {
					sent.add(bytes);
					return new MockClientHttpResponse();
				}));
		assertThat(sent).isEmpty();
	}

	@Test
	void getTokenResponseWhenCodeExchangeSentOnAnotherThreadThenNotSentAndClearError() {
		String code = newCode();
		WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> client = WithingsAccessTokenResponseClient
			.authorizationCode(withings(), WithingsClientAuthentication.CLIENT_SECRET,
					RestClient.builder().requestInterceptor(onAnotherThread()));

		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> client.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, code)))
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_token_response");
				assertThat(ex.getError().getDescription())
					.isEqualTo(RedactedFormParameters.PlaceholderNotRestoredException.MESSAGE);
				assertNoSecretIn(ex, code, WithingsSimulator.DEFAULT_CLIENT_SECRET);
			});
		assertThat(this.simulator.wireMock().findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v2/oauth2"))))
			.isEmpty();
		assertThat(this.simulator.counters().authorizationCodeGrants()).isZero();
		assertThat(RedactedFormParameters.holdsNothing()).isTrue();
	}

	@Test
	void getTokenResponseWhenRefreshSentOnAnotherThreadThenRefreshTokenNeverSentAndStillActive() {
		OAuth2AccessTokenResponse linked = WithingsAccessTokenResponseClient
			.authorizationCode(withings(), WithingsClientAuthentication.CLIENT_SECRET, RestClient.builder())
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));
		this.simulator.wireMock().resetRequests();
		WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> client = WithingsAccessTokenResponseClient
			.refreshToken(withings(), WithingsClientAuthentication.CLIENT_SECRET,
					RestClient.builder().requestInterceptor(onAnotherThread()));
		String refreshToken = linked.getRefreshToken().getTokenValue();

		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> client.getTokenResponse(new OAuth2RefreshTokenGrantRequest(this.registration,
					linked.getAccessToken(), linked.getRefreshToken())))
			.satisfies((ex) -> {
				assertThat(ex.getError().getErrorCode()).isEqualTo("invalid_token_response");
				assertThat(ex.getError().getDescription()).startsWith("Withings request not sent: ");
				assertNoSecretIn(ex, refreshToken, WithingsSimulator.DEFAULT_CLIENT_SECRET);
			});
		assertThat(this.simulator.wireMock().getAllServeEvents()).isEmpty();
		assertThat(this.simulator.counters().refreshTokenGrants()).isZero();
		assertThat(this.simulator.counters().rejectedTokenRequests()).isZero();
		assertThat(this.simulator.refreshTokenState(refreshToken)).isEqualTo(RefreshTokenState.ACTIVE);
	}

	@Test
	void getTokenResponseWhenNonceRequestSentOnAnotherThreadThenNothingSent() {
		WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> client = WithingsAccessTokenResponseClient
			.authorizationCode(withings(), WithingsClientAuthentication.SIGNATURE,
					RestClient.builder().requestInterceptor(onAnotherThread()));

		assertThatExceptionOfType(OAuth2AuthorizationException.class)
			.isThrownBy(() -> client.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())))
			.satisfies((ex) -> assertThat(ex.getError().getDescription())
				.isEqualTo(RedactedFormParameters.PlaceholderNotRestoredException.MESSAGE));
		assertThat(this.simulator.wireMock().getAllServeEvents()).isEmpty();
		assertThat(this.simulator.counters().nonceRequests()).isZero();
	}

	@ParameterizedTest
	@EnumSource(WithingsClientAuthentication.class)
	void getTokenResponseWhenOuterInterceptorThrowsBeforeRestoringThenThreadHoldsNothing(
			WithingsClientAuthentication authentication) {
		WithingsRateLimitInterceptor limiter = oneRequestThenRefused(authentication == WithingsClientAuthentication.SIGNATURE);
		WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> client = WithingsAccessTokenResponseClient
			.authorizationCode(withings(), authentication, RestClient.builder().requestInterceptor(limiter));

		assertThatExceptionOfType(WithingsRateLimitException.class)
			.isThrownBy(() -> client.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())));
		assertThat(RedactedFormParameters.holdsNothing()).isTrue();
		assertThat(this.simulator.counters().authorizationCodeGrants()).isZero();
	}

	/**
	 * The client-side budget's refusal is a {@link WithingsRateLimitException} as a 601 of
	 * Withings is, but nothing was sent: the caller sees it as it is, and it pauses nothing.
	 */
	@Test
	void getTokenResponseWhenClientSideBudgetRefusesThenHeldBackNotTranslatedAndNothingPaused() {
		WithingsRateLimitInterceptor limiter = oneRequestThenRefused(false);
		WithingsAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> client = WithingsAccessTokenResponseClient
			.authorizationCode(withings(), WithingsClientAuthentication.CLIENT_SECRET,
					RestClient.builder().requestInterceptor(limiter));
		client.setRateBudget(limiter.getBudget());

		assertThatExceptionOfType(WithingsRateLimitException.class)
			.isThrownBy(() -> client.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode())))
			.satisfies((ex) -> assertThat(ex.isAnswered()).isFalse());
		assertThat(limiter.getBudget().count(WithingsRateBudget.Outcome.TOO_MANY_REQUESTS)).isZero();
		assertThat(limiter.getBudget().getRemainingPause()).isZero();
		assertThat(this.simulator.counters().authorizationCodeGrants()).isZero();
	}

	@Test
	void getTokenResponseWhenRefreshRefusedByOuterInterceptorThenThreadHoldsNothing() {
		OAuth2AccessTokenResponse linked = WithingsAccessTokenResponseClient
			.authorizationCode(withings(), WithingsClientAuthentication.CLIENT_SECRET, RestClient.builder())
			.getTokenResponse(TestClientRegistrations.codeGrant(this.registration, newCode()));
		WithingsAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> client = WithingsAccessTokenResponseClient
			.refreshToken(withings(), WithingsClientAuthentication.CLIENT_SECRET, RestClient.builder()
				.requestInterceptor(oneRequestThenRefused(false)));

		assertThatExceptionOfType(WithingsRateLimitException.class).isThrownBy(() -> client.getTokenResponse(
				new OAuth2RefreshTokenGrantRequest(this.registration, linked.getAccessToken(), linked.getRefreshToken())));
		assertThat(RedactedFormParameters.holdsNothing()).isTrue();
	}

	@Test
	void revokeWhenOuterInterceptorThrowsBeforeRestoringThenThreadHoldsNothing() {
		WithingsRevocationClient revocation = new WithingsRevocationClient(RestClient.builder()
			.requestInterceptor(oneRequestThenRefused(true))
			.build());

		assertThatExceptionOfType(WithingsRateLimitException.class)
			.isThrownBy(() -> revocation.revoke(this.registration, "36000001"));
		assertThat(RedactedFormParameters.holdsNothing()).isTrue();
		assertThat(this.simulator.counters().nonceRequests()).isEqualTo(1);
		assertThat(this.simulator.counters().revocations()).isZero();
	}

	@Test
	void getNonceWhenSentOnAnotherThreadThenNotSentAndClearError() {
		WithingsNonceClient nonceClient = new WithingsNonceClient(
				RestClient.builder().requestInterceptor(onAnotherThread()).build());

		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> nonceClient.getNonce(this.registration))
			.withMessageContaining(RedactedFormParameters.PlaceholderNotRestoredException.MESSAGE)
			.withRootCauseInstanceOf(RedactedFormParameters.PlaceholderNotRestoredException.class);
		assertThat(this.simulator.wireMock().getAllServeEvents()).isEmpty();
		assertThat(RedactedFormParameters.holdsNothing()).isTrue();
	}

	/** A limiter that lets the first request through (if asked) and refuses the next at once. */
	private static WithingsRateLimitInterceptor oneRequestThenRefused(boolean firstAllowed) {
		// one permit a minute on a clock that does not move, and no wait
		WithingsRateBudget budget = WithingsRateBudget.local(2, 1,
				Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC));
		if (!firstAllowed) {
			budget.tryTake();
		}
		return new WithingsRateLimitInterceptor(budget, Duration.ZERO);
	}

	/** An interceptor that runs the rest of the chain on another thread, as some instrumentation does. */
	private ClientHttpRequestInterceptor onAnotherThread() {
		return (request, body, execution) -> {
			Future<ClientHttpResponse> response = this.otherThread
				.submit(() -> execution.execute(request, body));
			try {
				return response.get(10, TimeUnit.SECONDS);
			}
			catch (ExecutionException ex) {
				if (ex.getCause() instanceof IOException io) {
					throw io;
				}
				throw new IllegalStateException(ex.getCause());
			}
			catch (InterruptedException | TimeoutException ex) {
				throw new IllegalStateException(ex);
			}
		};
	}

	private static void assertNoSecretIn(Throwable failure, String... secrets) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String text = cause.toString();
			for (String secret : secrets) {
				assertThat(text).doesNotContain(secret);
			}
		}
	}

	private static MultiValueMap<String, String> form(String code) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.set("action", "requesttoken");
		form.set("code", code);
		return form;
	}

	private static byte[] encoded(MultiValueMap<String, String> form) {
		return ("action=" + form.getFirst("action") + "&code=" + form.getFirst("code")).getBytes(StandardCharsets.UTF_8);
	}

	private static WithingsClientRegistrations withings() {
		return WithingsClientRegistrations.withIds(List.of("withings"));
	}

	private String newCode() {
		return this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID, TestClientRegistrations.REDIRECT_URI, SCOPE);
	}

}
