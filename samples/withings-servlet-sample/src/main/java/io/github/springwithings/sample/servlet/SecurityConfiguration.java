package io.github.springwithings.sample.servlet;

import jakarta.servlet.DispatcherType;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * Public home and signed-out pages; everything else needs a Withings sign-in. An async dispatch
 * (the end of the dashboard's live-updates stream, whose request was authorized when it began)
 * is let through: Spring Security would otherwise deny it on a response already committed. A
 * live-updates stream without a session (the browser's {@code EventSource} reconnecting after a
 * restart or a sign-out) gets a plain 401, not the sign-in page: {@code EventSource} then stops
 * and the page's script reloads the page. "Sign out" ({@code POST /logout}) ends the session and
 * keeps the Withings link.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		MediaTypeRequestMatcher eventStream = new MediaTypeRequestMatcher(MediaType.TEXT_EVENT_STREAM);
		eventStream.setUseEquals(true);
		return http
			.authorizeHttpRequests((requests) -> requests.dispatcherTypeMatchers(DispatcherType.ASYNC)
				.permitAll()
				.requestMatchers("/", "/signed-out", "/error", "/sample.css", "/times.js")
				.permitAll()
				.anyRequest()
				.authenticated())
			.exceptionHandling((exceptions) -> exceptions
				.defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), eventStream))
			.oauth2Login((login) -> login.loginPage("/").defaultSuccessUrl("/dashboard", true).failureUrl("/?denied"))
			.logout((logout) -> logout.logoutSuccessUrl("/?signed-out"))
			.build();
	}

}
