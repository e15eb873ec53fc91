package io.github.springwithings.sample.servlet;

import jakarta.servlet.DispatcherType;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Public home and signed-out pages; everything else needs a Withings sign-in. An async dispatch
 * (the end of the dashboard's live-updates stream, whose request was authorized when it began)
 * is let through: Spring Security would otherwise deny it on a response already committed.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		return http
			.authorizeHttpRequests((requests) -> requests.dispatcherTypeMatchers(DispatcherType.ASYNC)
				.permitAll()
				.requestMatchers("/", "/signed-out", "/error", "/sample.css")
				.permitAll()
				.anyRequest()
				.authenticated())
			.oauth2Login((login) -> login.loginPage("/").defaultSuccessUrl("/dashboard", true).failureUrl("/?denied"))
			.logout((logout) -> logout.logoutSuccessUrl("/signed-out"))
			.build();
	}

}
