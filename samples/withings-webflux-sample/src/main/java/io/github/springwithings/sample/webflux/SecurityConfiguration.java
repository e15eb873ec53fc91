package io.github.springwithings.sample.webflux;

import java.net.URI;
import java.util.List;
import java.util.Set;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.DelegatingServerAuthenticationEntryPoint;
import org.springframework.security.web.server.DelegatingServerAuthenticationEntryPoint.DelegateEntry;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.HttpStatusServerEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.logout.RedirectServerLogoutSuccessHandler;
import org.springframework.security.web.server.util.matcher.MediaTypeServerWebExchangeMatcher;

/**
 * Public home and signed-out pages; everything else needs a Withings sign-in (Spring Security's
 * reactive {@code oauth2Login()}, which the starter teaches Withings' dialect). A live-updates
 * stream without a session (the browser's {@code EventSource} reconnecting after a restart or a
 * sign-out) gets a plain 401, not a redirect to the home page (whose template would be rendered
 * for {@code Accept: text/event-stream}): {@code EventSource} then stops and the page's script
 * reloads the page. "Sign out" ({@code POST /logout}) ends the session and keeps the Withings
 * link.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
		RedirectServerLogoutSuccessHandler signedOut = new RedirectServerLogoutSuccessHandler();
		signedOut.setLogoutSuccessUrl(URI.create("/?signed-out"));
		MediaTypeServerWebExchangeMatcher eventStream = new MediaTypeServerWebExchangeMatcher(MediaType.TEXT_EVENT_STREAM);
		eventStream.setUseEquals(true);
		eventStream.setIgnoredMediaTypes(Set.of(MediaType.ALL));
		DelegatingServerAuthenticationEntryPoint entryPoint = new DelegatingServerAuthenticationEntryPoint(
				List.of(new DelegateEntry(eventStream, new HttpStatusServerEntryPoint(HttpStatus.UNAUTHORIZED))));
		entryPoint.setDefaultEntryPoint(new RedirectServerAuthenticationEntryPoint("/"));
		return http
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/", "/signed-out", "/sample.css", "/times.js")
				.permitAll()
				.anyExchange()
				.authenticated())
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(entryPoint))
			.oauth2Login((login) -> login
				.authenticationSuccessHandler(new RedirectServerAuthenticationSuccessHandler("/dashboard"))
				.authenticationFailureHandler(new RedirectServerAuthenticationFailureHandler("/?denied")))
			.logout((logout) -> logout.logoutSuccessHandler(signedOut))
			.build();
	}

}
