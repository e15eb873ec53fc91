package io.github.springwithings.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import io.github.springwithings.oauth2.client.WithingsReactiveTokenResponseClientAdapter;
import io.github.springwithings.oauth2.client.endpoint.TestClientRegistrations;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The priority of the starter's calls on WebFlux: a refresh for a web exchange (Spring Security
 * puts the exchange in the Reactor context) is interactive, a background one is not, though both
 * run on a bounded-elastic thread.
 */
class WithingsReactiveRatePriorityTests {

	private final AtomicReference<WithingsRatePriority> seen = new AtomicReference<>();

	private final OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> core = (request) -> {
		this.seen.set(WithingsRatePriority.current());
		return OAuth2AccessTokenResponse.withToken("a").tokenType(OAuth2AccessToken.TokenType.BEARER).expiresIn(10800).build();
	};

	private final WithingsReactiveTokenResponseClientAdapter<OAuth2RefreshTokenGrantRequest> adapter = new WithingsReactiveTokenResponseClientAdapter<>(
			this.core, new WebClientReactiveRefreshTokenTokenResponseClient(), (registration) -> true);

	private OAuth2RefreshTokenGrantRequest grant() {
		ClientRegistration registration = TestClientRegistrations.withings("https://wbsapi.example.com").build();
		return new OAuth2RefreshTokenGrantRequest(registration,
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "a", Instant.now().minusSeconds(20),
						Instant.now().minusSeconds(10)),
				new OAuth2RefreshToken("r", Instant.now()));
	}

	@Test
	void getTokenResponseWhenForAWebExchangeThenInteractive() {
		ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/dashboard"));

		this.adapter.getTokenResponse(grant())
			.contextWrite(Context.of(ServerWebExchange.class, exchange))
			.block(Duration.ofSeconds(10));

		assertThat(this.seen).hasValue(WithingsRatePriority.INTERACTIVE);
	}

	@Test
	void getTokenResponseWhenNoWebExchangeThenBackgroundOrTheCallersPriority() {
		this.adapter.getTokenResponse(grant()).block(Duration.ofSeconds(10));
		assertThat(this.seen).hasValue(WithingsRatePriority.BACKGROUND);

		Mono<OAuth2AccessTokenResponse> built = WithingsRatePriority.INTERACTIVE
			.callAs(() -> this.adapter.getTokenResponse(grant()));
		built.block(Duration.ofSeconds(10));
		assertThat(this.seen).as("the priority of the thread that built the chain").hasValue(WithingsRatePriority.INTERACTIVE);
	}

	@Test
	void ofWhenAPriorityIsSetInTheContextThenItUnlessAWebExchangeWaits() {
		assertThat(WithingsReactiveRatePriority.of(WithingsReactiveRatePriority.withPriority(WithingsRatePriority.INTERACTIVE),
				WithingsRatePriority.BACKGROUND))
			.isEqualTo(WithingsRatePriority.INTERACTIVE);
		assertThat(WithingsReactiveRatePriority.of(WithingsReactiveRatePriority.withPriority(WithingsRatePriority.BACKGROUND)
			.put(ServerWebExchange.class, MockServerWebExchange.from(MockServerHttpRequest.get("/"))),
				WithingsRatePriority.BACKGROUND))
			.isEqualTo(WithingsRatePriority.INTERACTIVE);

		this.adapter.getTokenResponse(grant())
			.contextWrite(WithingsReactiveRatePriority.withPriority(WithingsRatePriority.INTERACTIVE))
			.block(Duration.ofSeconds(10));

		assertThat(this.seen).as("the refresh runs as its caller asked").hasValue(WithingsRatePriority.INTERACTIVE);
	}

	@Test
	void ofWhenContextHasAnExchangeThenInteractive() {
		assertThat(WithingsReactiveRatePriority.of(Context.empty(), WithingsRatePriority.BACKGROUND))
			.isEqualTo(WithingsRatePriority.BACKGROUND);
		assertThat(WithingsReactiveRatePriority.of(Context.of(ServerWebExchange.class,
				MockServerWebExchange.from(MockServerHttpRequest.get("/"))), WithingsRatePriority.BACKGROUND))
			.isEqualTo(WithingsRatePriority.INTERACTIVE);
	}

}
