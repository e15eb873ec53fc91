package io.github.springwithings.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Public home and signed-out pages; everything else needs a Withings sign-in.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		return http
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/", "/signed-out", "/error", "/sample.css")
				.permitAll()
				.anyRequest()
				.authenticated())
			.oauth2Login((login) -> login.loginPage("/").defaultSuccessUrl("/dashboard", true).failureUrl("/?denied"))
			.logout((logout) -> logout.logoutSuccessUrl("/signed-out"))
			.build();
	}

}
