package io.github.springwithings.oauth2.client.web.server;

import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.util.Assert;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The reactive twin of
 * {@link io.github.springwithings.oauth2.client.web.WithingsRedirectUriHeadFilter}: answers
 * {@code HEAD} on the redirect URIs of Withings registrations with 200, before Spring Security's
 * {@code WebFilterChainProxy} (order -100).
 */
public final class WithingsRedirectUriHeadWebFilter implements WebFilter, Ordered {

	/** Just before Spring Security's {@code WebFilterChainProxy} (order -100). */
	public static final int DEFAULT_ORDER = -101;

	private final Set<String> paths;

	/**
	 * @param paths the redirect URIs' paths, e.g. {@code /login/oauth2/code/withings}
	 */
	public WithingsRedirectUriHeadWebFilter(Set<String> paths) {
		Assert.notNull(paths, "paths cannot be null");
		this.paths = Set.copyOf(paths);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (exchange.getRequest().getMethod() != HttpMethod.HEAD
				|| !this.paths.contains(exchange.getRequest().getPath().pathWithinApplication().value())) {
			return chain.filter(exchange);
		}
		exchange.getResponse().setStatusCode(HttpStatus.OK);
		return exchange.getResponse().setComplete();
	}

	@Override
	public int getOrder() {
		return DEFAULT_ORDER;
	}

}
