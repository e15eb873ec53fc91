package io.github.springwithings.sample.webflux;

import java.net.URI;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.logout.RedirectServerLogoutSuccessHandler;

/**
 * Public home and signed-out pages; everything else needs a Withings sign-in (Spring Security's
 * reactive {@code oauth2Login()}, which the starter teaches Withings' dialect).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
		RedirectServerLogoutSuccessHandler signedOut = new RedirectServerLogoutSuccessHandler();
		signedOut.setLogoutSuccessUrl(URI.create("/signed-out"));
		return http
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/", "/signed-out", "/sample.css")
				.permitAll()
				.anyExchange()
				.authenticated())
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(new RedirectServerAuthenticationEntryPoint("/")))
			.oauth2Login((login) -> login
				.authenticationSuccessHandler(new RedirectServerAuthenticationSuccessHandler("/dashboard"))
				.authenticationFailureHandler(new RedirectServerAuthenticationFailureHandler("/?denied")))
			.logout((logout) -> logout.logoutSuccessHandler(signedOut))
			.build();
	}

}
