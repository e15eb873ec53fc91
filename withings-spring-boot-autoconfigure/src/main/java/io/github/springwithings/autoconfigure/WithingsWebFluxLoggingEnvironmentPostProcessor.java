package io.github.springwithings.autoconfigure;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps authorization codes and the notification callback's secret path out of the logs: Spring
 * WebFlux's {@code HttpWebHandlerAdapter} logs every request line with its query string at DEBUG
 * (and TRACE), before any filter runs, so the redirect back from Withings' consent page would put
 * its {@code code} in the log, and every notification its callback path. Tomcat does the same at
 * DEBUG ({@code Http11InputBuffer} logs the request line and headers it received,
 * {@code AuthenticatorBase} the method and path it checks, {@code AsyncContextImpl} the request URI
 * of a request that goes asynchronous, as a notification's unlink does while it is checked). Their levels default to INFO
 * ({@value #REQUEST_LOGGING_LEVEL} and {@link #REQUEST_LOGGING_LEVELS}, in a property source
 * placed last: an application that sets one, e.g. to DEBUG while debugging, wins). Their errors
 * are still logged.
 */
public final class WithingsWebFluxLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Name of the property source holding the logging defaults. */
	public static final String LOGGING_PROPERTY_SOURCE_NAME = "withingsLoggingDefaults";

	/** The level of the logger that would log authorization codes, defaulted to INFO. */
	public static final String REQUEST_LOGGING_LEVEL = "logging.level.org.springframework.web.server.adapter.HttpWebHandlerAdapter";

	/**
	 * Every logger level defaulted to INFO: those that log request lines (with the query string
	 * or the callback's path) before any filter runs.
	 */
	public static final List<String> REQUEST_LOGGING_LEVELS = List.of(REQUEST_LOGGING_LEVEL,
			"logging.level.org.apache.coyote.http11.Http11InputBuffer",
			"logging.level.org.apache.catalina.authenticator.AuthenticatorBase",
			"logging.level.org.apache.catalina.core.AsyncContextImpl");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources().remove(LOGGING_PROPERTY_SOURCE_NAME);
		environment.getPropertySources()
			.addLast(new MapPropertySource(LOGGING_PROPERTY_SOURCE_NAME, REQUEST_LOGGING_LEVELS.stream()
				.collect(Collectors.toMap(Function.identity(), (level) -> (Object) "info"))));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
