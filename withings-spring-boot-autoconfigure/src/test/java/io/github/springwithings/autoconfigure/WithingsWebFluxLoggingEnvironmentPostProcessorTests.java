package io.github.springwithings.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.logging.LogLevel;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsWebFluxLoggingEnvironmentPostProcessor}: the loggers that log request lines
 * (authorization codes, the callback's secret path) before any filter default to INFO, unless the
 * application sets them.
 */
class WithingsWebFluxLoggingEnvironmentPostProcessorTests {

	private final StandardEnvironment environment = new StandardEnvironment();

	private final Map<String, Object> properties = new HashMap<>();

	@Test
	void postProcessEnvironmentWhenLoggingNotConfiguredThenWebFluxRequestLinesAreNotLogged() {
		this.properties.put("logging.level.root", "trace");
		postProcess();

		assertThat(loggingLevels()).containsEntry("org.springframework.web.server.adapter.HttpWebHandlerAdapter",
				LogLevel.INFO);
	}

	/** Tomcat logs the request line (the callback's secret path, a code's query) at DEBUG before any filter. */
	@Test
	void postProcessEnvironmentWhenLoggingNotConfiguredThenTomcatRequestLinesAreNotLogged() {
		this.properties.put("logging.level.root", "trace");
		this.properties.put("logging.level.org.apache.catalina.authenticator.AuthenticatorBase", "trace");
		postProcess();

		assertThat(loggingLevels()).containsEntry("org.apache.coyote.http11.Http11InputBuffer", LogLevel.INFO)
			.containsEntry("org.apache.catalina.core.AsyncContextImpl", LogLevel.INFO)
			.as("the application's own setting wins")
			.containsEntry("org.apache.catalina.authenticator.AuthenticatorBase", LogLevel.TRACE);
	}

	@Test
	void postProcessEnvironmentWhenApplicationSetsTheRequestLoggerLevelThenItWins() {
		this.properties.put("logging.level.org.springframework.web.server.adapter.HttpWebHandlerAdapter", "debug");
		postProcess();

		assertThat(loggingLevels()).containsEntry("org.springframework.web.server.adapter.HttpWebHandlerAdapter",
				LogLevel.DEBUG);
	}

	private Map<String, LogLevel> loggingLevels() {
		return Binder.get(this.environment)
			.bind("logging.level", Bindable.mapOf(String.class, LogLevel.class))
			.orElseGet(Map::of);
	}

	private void postProcess() {
		this.environment.getPropertySources().addFirst(new MapPropertySource("test", this.properties));
		ConfigurationPropertySources.attach(this.environment);
		new WithingsWebFluxLoggingEnvironmentPostProcessor().postProcessEnvironment(this.environment, null);
	}

}
