package io.github.springwithings.sync;

import java.io.IOException;
import java.io.InterruptedIOException;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.Assert;

/**
 * Spaces every request of the sync's {@code RestClient} by its {@link WithingsSyncPacer} (each
 * page of a fetch is a request), waiting on the calling thread: the sync's worker.
 */
public final class WithingsSyncPacingInterceptor implements ClientHttpRequestInterceptor {

	private final WithingsSyncPacer pacer;

	/**
	 * @param pacer the sync's pacer
	 */
	public WithingsSyncPacingInterceptor(WithingsSyncPacer pacer) {
		Assert.notNull(pacer, "pacer cannot be null");
		this.pacer = pacer;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		try {
			this.pacer.take();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while waiting for the sync's share of the rate budget");
		}
		return execution.execute(request, body);
	}

}
