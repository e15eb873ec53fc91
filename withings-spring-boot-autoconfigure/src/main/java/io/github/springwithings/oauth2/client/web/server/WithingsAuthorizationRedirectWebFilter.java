package io.github.springwithings.oauth2.client.web.server;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.util.Assert;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.UriComponents;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Makes every redirect of a WebFlux application to a Withings consent page acceptable to
 * Withings, whichever part of Spring Security produced it: {@code oauth2Login()} (which already
 * uses the starter's resolver), {@code oauth2Client()} (whose redirect filter takes no resolver
 * bean), or the redirect after a dead link. In the {@code Location} of such a redirect, scopes are
 * joined with commas instead of spaces, PKCE parameters are dropped, and {@code mode=demo} is
 * added in demo mode, as {@code WithingsAuthorizationRequestCustomizer} does for the resolver.
 * Runs before Spring Security's filter chain ({@link #ORDER}); other responses are untouched.
 */
public final class WithingsAuthorizationRedirectWebFilter implements WebFilter, Ordered {

	/** Before Spring Security's {@code WebFilterChainProxy} ({@code -100}). */
	public static final int ORDER = -200;

	private final ReactiveClientRegistrationRepository clientRegistrationRepository;

	private final List<String> withingsRegistrationIds;

	private boolean demoMode;

	/**
	 * @param clientRegistrationRepository the registrations
	 * @param withingsRegistrationIds the ids of the Withings registrations
	 */
	public WithingsAuthorizationRedirectWebFilter(ReactiveClientRegistrationRepository clientRegistrationRepository,
			Collection<String> withingsRegistrationIds) {
		Assert.notNull(clientRegistrationRepository, "clientRegistrationRepository cannot be null");
		Assert.notNull(withingsRegistrationIds, "withingsRegistrationIds cannot be null");
		this.clientRegistrationRepository = clientRegistrationRepository;
		this.withingsRegistrationIds = List.copyOf(withingsRegistrationIds);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpResponse response = exchange.getResponse();
		response.beforeCommit(() -> {
			String location = response.getHeaders().getFirst(HttpHeaders.LOCATION);
			HttpStatusCode status = response.getStatusCode();
			if (location == null || status == null || !status.is3xxRedirection()) {
				return Mono.empty();
			}
			return withingsAuthorizationUris().filter((uris) -> isConsentPage(location, uris))
				.doOnNext((uris) -> rewriteIfWellFormed(response, location))
				.then();
		});
		return chain.filter(exchange);
	}

	private Mono<Set<String>> withingsAuthorizationUris() {
		return Flux.fromIterable(this.withingsRegistrationIds)
			.flatMap(this.clientRegistrationRepository::findByRegistrationId)
			.map((registration) -> registration.getProviderDetails().getAuthorizationUri())
			.collect(Collectors.toSet());
	}

	private static boolean isConsentPage(String location, Set<String> authorizationUris) {
		return authorizationUris.stream()
			.anyMatch((uri) -> location.equals(uri) || location.startsWith(uri + "?") || location.startsWith(uri + "&"));
	}

	/** A location that cannot be parsed is left as it is: never an error on the way out. */
	private void rewriteIfWellFormed(ServerHttpResponse response, String location) {
		try {
			response.getHeaders().set(HttpHeaders.LOCATION, rewrite(location, this.demoMode));
		}
		catch (IllegalArgumentException ex) {
			// not a URI this filter understands: Withings will say what it thinks of it
		}
	}

	/**
	 * The consent page URL Withings accepts.
	 * @param location a redirect to a Withings consent page, encoded
	 * @param demoMode whether to ask for Withings' demo user
	 * @return the URL with comma-joined scopes, no PKCE parameters and {@code mode=demo} in demo mode
	 */
	static String rewrite(String location, boolean demoMode) {
		UriComponents uri = UriComponentsBuilder.fromUriString(location).build(true);
		MultiValueMap<String, String> query = uri.getQueryParams();
		UriComponentsBuilder rewritten = UriComponentsBuilder.newInstance().uriComponents(uri);
		String scope = query.getFirst(OAuth2ParameterNames.SCOPE);
		if (scope != null) {
			String scopes = UriUtils.decode(scope, StandardCharsets.UTF_8).trim().replaceAll("[ +]+", ",");
			rewritten.replaceQueryParam(OAuth2ParameterNames.SCOPE, UriUtils.encodeQueryParam(scopes,
					StandardCharsets.UTF_8).replace("%2C", ","));
		}
		rewritten.replaceQueryParam(PkceParameterNames.CODE_CHALLENGE);
		rewritten.replaceQueryParam(PkceParameterNames.CODE_CHALLENGE_METHOD);
		if (demoMode && !query.containsKey("mode")) {
			rewritten.queryParam("mode", "demo");
		}
		return rewritten.build(true).toUriString();
	}

	/**
	 * Whether to ask Withings for a demo user with dummy data ({@code mode=demo}).
	 * @param demoMode whether to use demo mode
	 */
	public void setDemoMode(boolean demoMode) {
		this.demoMode = demoMode;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
