package io.github.springwithings.sync;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.springwithings.simulator.SimulatorClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.Disposable;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sync's share of the budget: requests spaced evenly; on the servlet stack the worker waits,
 * on WebFlux the request is delayed without a thread.
 */
class WithingsSyncPacerTests {

	private final SimulatorClock clock = new SimulatorClock(Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"),
			ZoneOffset.UTC));

	@Test
	void shareWhenHalfOf120ThenOneRequestASecondAndNeverTwoAtOnce() {
		WithingsSyncPacer pacer = WithingsSyncPacer.share(120, 0.5, this.clock);

		assertThat(pacer.getSpacing()).isEqualTo(Duration.ofSeconds(1));
		assertThat(pacer.tryTake()).isTrue();
		assertThat(pacer.tryTake()).isFalse();
		assertThat(pacer.untilNext()).isEqualTo(Duration.ofSeconds(1));
		this.clock.advance(Duration.ofMillis(999));
		assertThat(pacer.tryTake()).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(pacer.tryTake()).isTrue();
	}

	@Test
	void interceptorWhenThreeRequestsAtOnceThenTheWorkerWaitsASpacingBeforeEachButTheFirst() throws Exception {
		WithingsSyncPacer pacer = WithingsSyncPacer.share(120, 0.5, this.clock);
		List<Duration> waits = new ArrayList<>();
		pacer.setSleeper(waits::add);
		WithingsSyncPacingInterceptor interceptor = new WithingsSyncPacingInterceptor(pacer);
		ClientHttpRequestExecution execution = (request, body) -> new MockClientHttpResponse(new byte[0],
				HttpStatus.OK);

		for (int i = 0; i < 3; i++) {
			try (ClientHttpResponse response = interceptor
				.intercept(new MockClientHttpRequest(HttpMethod.POST, URI.create("/measure")), new byte[0], execution)) {
				assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
			}
		}

		assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
	}

	@Test
	void filterWhenTwoRequestsAtOnceThenTheSecondWaitsForItsTurnWithoutHoldingTheSubscribingThread() {
		WithingsSyncPacer pacer = new WithingsSyncPacer(1, this.clock);
		WithingsSyncPacingFilter filter = new WithingsSyncPacingFilter(pacer);
		ClientRequest request = ClientRequest.create(HttpMethod.POST, URI.create("/measure")).build();
		AtomicInteger sent = new AtomicInteger();
		ExchangeFunction exchange = (sending) -> Mono.fromSupplier(() -> {
			sent.incrementAndGet();
			return ClientResponse.create(HttpStatus.OK).build();
		});

		assertThat(filter.filter(request, exchange).block(Duration.ofSeconds(10)).statusCode()).isEqualTo(HttpStatus.OK);
		Disposable second = filter.filter(request, exchange).subscribe();
		try {
			assertThat(sent).as("the second one waits a minute for its turn").hasValue(1);
			assertThat(pacer.untilNext()).isEqualTo(Duration.ofMinutes(2));
		}
		finally {
			second.dispose();
		}
	}

}
