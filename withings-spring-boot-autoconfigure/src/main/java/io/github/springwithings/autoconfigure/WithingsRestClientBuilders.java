package io.github.springwithings.autoconfigure;

import java.net.http.HttpClient;
import java.util.function.Consumer;

import io.github.springwithings.ratelimit.WithingsRateBudget;
import io.github.springwithings.web.client.WithingsRateLimitInterceptor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Builders for every {@code RestClient} the starter makes (token, nonce, revocation, recovery and
 * API calls): Boot's {@code RestClient.Builder} when there is one (observation, converters,
 * customizers), with the {@code withings.http} timeouts and the shared client-side rate limit.
 */
public final class WithingsRestClientBuilders {

	private final ObjectProvider<RestClient.Builder> restClientBuilder;

	private final WithingsProperties properties;

	private final ClientHttpRequestInterceptor rateLimitInterceptor;

	/**
	 * @param restClientBuilder Boot's builder, if any
	 * @param properties the starter's properties
	 * @param rateLimitInterceptor the shared rate limit, {@code null} for none
	 */
	public WithingsRestClientBuilders(ObjectProvider<RestClient.Builder> restClientBuilder,
			WithingsProperties properties, ClientHttpRequestInterceptor rateLimitInterceptor) {
		this.restClientBuilder = restClientBuilder;
		this.properties = properties;
		this.rateLimitInterceptor = rateLimitInterceptor;
	}

	/**
	 * Give the rate budget of the shared rate limit, when there is one, to {@code consumer} (for
	 * the clients that pause it on a 601).
	 * @param consumer takes the budget
	 */
	public void ifRateBudget(Consumer<WithingsRateBudget> consumer) {
		if (this.rateLimitInterceptor instanceof WithingsRateLimitInterceptor limit) {
			consumer.accept(limit.getBudget());
		}
	}

	/**
	 * A new builder.
	 * @return the builder
	 */
	public RestClient.Builder create() {
		return create((builder) -> {
		});
	}

	/**
	 * A new builder, with {@code configurer}'s interceptors before the rate limit (which must be
	 * the innermost, so that every request sent, retries included, takes a permit).
	 * @param configurer adds interceptors
	 * @return the builder
	 */
	public RestClient.Builder create(Consumer<RestClient.Builder> configurer) {
		RestClient.Builder builder = this.restClientBuilder.getIfAvailable(RestClient::builder)
			.requestFactory(requestFactory());
		return configure(builder, configurer);
	}

	/**
	 * Add {@code configurer}'s interceptors, then the rate limit (the innermost), to a builder
	 * made elsewhere (an HTTP service group's).
	 * @param builder the builder
	 * @param configurer adds interceptors
	 * @return the builder
	 */
	public RestClient.Builder configure(RestClient.Builder builder, Consumer<RestClient.Builder> configurer) {
		configurer.accept(builder);
		if (this.rateLimitInterceptor != null) {
			builder.requestInterceptor(this.rateLimitInterceptor);
		}
		return builder;
	}

	/**
	 * A request factory with the {@code withings.http} connect and read timeouts.
	 * @return the request factory
	 */
	public ClientHttpRequestFactory requestFactory() {
		WithingsProperties.Http http = this.properties.getHttp();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(
				HttpClient.newBuilder().connectTimeout(http.getConnectTimeout()).build());
		requestFactory.setReadTimeout(http.getReadTimeout());
		return requestFactory;
	}

}
