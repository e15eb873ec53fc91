package io.github.springwithings.web.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.springwithings.ratelimit.WithingsPrepaidPermits;
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
 * Permits taken ahead by a reactive caller (and waited for with a delay) are used by the requests
 * it makes, one each, which take none of their own; a request beyond them (rare) takes a permit
 * as a servlet call does.
 */
class WithingsRateLimitInterceptorPrepaidTests {

	private final WithingsRateBudget budget = WithingsRateBudget.local(120, 6, Clock.systemUTC());

	private final WithingsRateLimitInterceptor interceptor = new WithingsRateLimitInterceptor(this.budget,
			Duration.ofSeconds(1));

	private final ClientHttpRequestExecution execution = (request, body) -> new MockClientHttpResponse(new byte[0],
			HttpStatus.OK);

	@Test
	void interceptWhenAPermitWasTakenAheadThenTheFirstRequestTakesNoneAndTheSecondTakesOne() {
		AtomicInteger prepaid = new AtomicInteger(1);

		WithingsRatePriority.INTERACTIVE.runAs(() -> WithingsPrepaidPermits.callWithPermits(prepaid, () -> {
			send();
			assertThat(this.budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).isZero();
			send();
			return null;
		}));

		assertThat(prepaid).hasValue(0);
		assertThat(this.budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).isOne();
	}

	@Test
	void interceptWhenNoPermitWasTakenAheadThenEveryRequestTakesOne() {
		WithingsRatePriority.INTERACTIVE.runAs(() -> WithingsPrepaidPermits.callWithPermits(new AtomicInteger(),
				() -> {
					send();
					return null;
				}));
		WithingsRatePriority.INTERACTIVE.runAs(this::send);

		assertThat(this.budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).isEqualTo(2);
	}

	/**
	 * A request beyond the permits taken ahead (a nonce refused and fetched again, a ready nonce
	 * taken by another call meanwhile) waits for its permit as a servlet call does: a user's
	 * sign-in never fails for it.
	 */
	@Test
	void interceptWhenARequestGoesBeyondThePermitsTakenAheadAndNoneIsFreeThenItWaitsForOneWithinTheLongestWait() {
		for (int i = 0; i < 6; i++) {
			assertThat(this.budget.tryTake()).isZero();
		}
		List<Duration> waits = new CopyOnWriteArrayList<>();
		this.budget.setSleeper(waits::add);
		AtomicInteger prepaid = new AtomicInteger(1);
		AtomicInteger sent = new AtomicInteger();
		ClientHttpRequestExecution counting = (request, body) -> {
			sent.incrementAndGet();
			return new MockClientHttpResponse(new byte[0], HttpStatus.OK);
		};

		WithingsRatePriority.INTERACTIVE.runAs(() -> WithingsPrepaidPermits.callWithPermits(prepaid, () -> {
			send(counting);
			assertThat(waits).as("the request with a permit taken ahead does not wait").isEmpty();
			send(counting);
			return null;
		}));

		assertThat(sent).hasValue(2);
		assertThat(waits).singleElement()
			.satisfies((wait) -> assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1)));
		assertThat(this.budget.count(WithingsRateBudget.Outcome.INTERACTIVE)).isOne();
	}

	private void send() {
		send(this.execution);
	}

	private void send(ClientHttpRequestExecution execution) {
		try {
			this.interceptor.intercept(new MockClientHttpRequest(HttpMethod.POST, URI.create("http://localhost/v2/oauth2")),
					new byte[0], execution);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
