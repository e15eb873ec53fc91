package io.github.springwithings.sync;

import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Spaces every request of the sync's {@code WebClient} by its {@link WithingsSyncPacer}, as a
 * delay: no thread is held while a request waits for its turn.
 */
public final class WithingsSyncPacingFilter implements ExchangeFilterFunction {

	private final WithingsSyncPacer pacer;

	/**
	 * @param pacer the sync's pacer
	 */
	public WithingsSyncPacingFilter(WithingsSyncPacer pacer) {
		Assert.notNull(pacer, "pacer cannot be null");
		this.pacer = pacer;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return Mono.defer(() -> {
			Duration wait = this.pacer.reserve();
			return wait.isZero() ? next.exchange(request) : Mono.delay(wait).then(next.exchange(request));
		});
	}

}
