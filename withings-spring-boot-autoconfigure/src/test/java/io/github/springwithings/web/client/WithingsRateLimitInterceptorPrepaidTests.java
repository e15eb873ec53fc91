package io.github.springwithings.web.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.ratelimit.WithingsRatePriority;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A permit taken ahead by a reactive caller (and waited for with a delay) is used by the first
 * request it makes, which takes no second one; later requests take theirs.
 */
class WithingsRateLimitInterceptorPrepaidTests {

	private final WithingsRateBudget budget = WithingsRateBudget.local(120, 6, Clock.systemUTC());

	private final WithingsRateLimitInterceptor interceptor = new WithingsRateLimitInterceptor(this.budget,
			Duration.ofSeconds(1));

	private final ClientHttpRequestExecution execution = (request, body) -> new MockClientHttpResponse(new byte[0],
			HttpStatus.OK);

	@Test
	void interceptWhenAPermitWasTakenAheadThenTheFirstRequestTakesNoneAndTheSecondTakesOne() {
		AtomicBoolean prepaid = new AtomicBoolean(true);

		WithingsRatePriority.INTERACTIVE.runAs(() -> WithingsRateLimitInterceptor.callWithPermit(prepaid, () -> {
			send();
			assertThat(this.budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).isZero();
			send();
			return null;
		}));

		assertThat(prepaid).isFalse();
		assertThat(this.budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).isOne();
	}

	@Test
	void interceptWhenNoPermitWasTakenAheadThenEveryRequestTakesOne() {
		WithingsRatePriority.INTERACTIVE.runAs(() -> WithingsRateLimitInterceptor.callWithPermit(new AtomicBoolean(),
				() -> {
					send();
					return null;
				}));
		WithingsRatePriority.INTERACTIVE.runAs(this::send);

		assertThat(this.budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).isEqualTo(2);
	}

	private void send() {
		try {
			this.interceptor.intercept(new MockClientHttpRequest(HttpMethod.POST, URI.create("http://localhost/v2/oauth2")),
					new byte[0], this.execution);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
