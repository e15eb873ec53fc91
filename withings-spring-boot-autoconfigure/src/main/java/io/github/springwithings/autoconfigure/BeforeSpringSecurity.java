package io.github.springwithings.autoconfigure;

import jakarta.servlet.Filter;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.env.Environment;

/**
 * Registers servlet filters that answer Withings' calls (notifications, probes) by themselves,
 * just before Spring Security's filter, wherever {@code spring.security.filter.order} put it.
 */
final class BeforeSpringSecurity {

	/** Spring Security's servlet filter order ({@code spring.security.filter.order}) by default. */
	static final int SECURITY_FILTER_ORDER = -100;

	private BeforeSpringSecurity() {
	}

	static <F extends Filter> FilterRegistrationBean<F> register(F filter, String name, Environment environment) {
		FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
		registration.setName(name);
		registration.setOrder(
				environment.getProperty("spring.security.filter.order", Integer.class, SECURITY_FILTER_ORDER) - 1);
		return registration;
	}

}
