package io.github.springwithings.autoconfigure;

import java.net.URI;
import java.util.Set;
import java.util.TreeSet;

import io.github.springwithings.oauth2.client.web.WithingsRedirectUriHeadFilter;
import io.github.springwithings.oauth2.client.web.server.WithingsRedirectUriHeadWebFilter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.oauth2.client.autoconfigure.ConditionalOnOAuth2ClientRegistrationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.server.WebFilter;

/**
 * Auto-configuration that
 * answers the Withings dashboard's {@code HEAD} probe of the redirect URIs of Withings
 * registrations with 200 (Spring Security's login filter would redirect it to the login page),
 * on both web stacks. Switched off by {@code withings.redirect-uri-head.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "withings.redirect-uri-head.enabled", matchIfMissing = true)
@ConditionalOnWebApplication
@ConditionalOnOAuth2ClientRegistrationProperties
public final class WithingsRedirectUriHeadAutoConfiguration {

	static final String DEFAULT_REDIRECT_URI = "{baseUrl}/login/oauth2/code/{registrationId}";

	/** The paths of the redirect URIs of the Withings registrations. */
	static Set<String> redirectPaths(Environment environment) {
		Set<String> paths = new TreeSet<>();
		for (String id : WithingsRegistrationIds.find(environment)) {
			String template = environment.getProperty(
					WithingsRegistrationIds.REGISTRATION_PREFIX + "." + id + ".redirect-uri", DEFAULT_REDIRECT_URI);
			String path = redirectPath(template, id);
			if (path != null) {
				paths.add(path);
			}
		}
		return paths;
	}

	static String redirectPath(String template, String registrationId) {
		String expanded = template.replace("{registrationId}", registrationId).replace("{action}", "login");
		for (String base : new String[] { "{baseUrl}", "{basePath}" }) {
			int at = expanded.indexOf(base);
			if (at >= 0) {
				expanded = expanded.substring(at + base.length());
			}
		}
		if (expanded.contains("://")) {
			try {
				expanded = URI.create(expanded).getRawPath();
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}
		return (expanded != null && expanded.startsWith("/") && !expanded.contains("{")) ? expanded : null;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = "jakarta.servlet.Filter")
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "withingsRedirectUriHeadFilterRegistration")
		FilterRegistrationBean<WithingsRedirectUriHeadFilter> withingsRedirectUriHeadFilterRegistration(
				Environment environment) {
			return BeforeSpringSecurity.register(new WithingsRedirectUriHeadFilter(redirectPaths(environment)),
					"withingsRedirectUriHeadFilter", environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(WebFilter.class)
	static class ReactiveConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WithingsRedirectUriHeadWebFilter withingsRedirectUriHeadWebFilter(Environment environment) {
			return new WithingsRedirectUriHeadWebFilter(redirectPaths(environment));
		}

	}

}
