package io.github.springwithings.aot;

import io.github.springwithings.autoconfigure.WithingsKeepAliveProperties;
import io.github.springwithings.autoconfigure.WithingsNotificationProperties;
import io.github.springwithings.autoconfigure.WithingsOAuth2ClientEnvironmentPostProcessor;
import io.github.springwithings.autoconfigure.WithingsProperties;
import io.github.springwithings.autoconfigure.WithingsRateLimitProperties;
import io.github.springwithings.autoconfigure.WithingsReactiveProperties;
import io.github.springwithings.autoconfigure.WithingsStoreProperties;
import io.github.springwithings.autoconfigure.WithingsWebFluxLoggingEnvironmentPostProcessor;
import io.github.springwithings.autoconfigure.actuate.WithingsHealthProperties;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;

/**
 * What the starter needs at run time in an ahead-of-time processed application or a native
 * image: its schema and upgrade scripts and Liquibase changelog (read as resources by the schema initializer,
 * Flyway and Liquibase), its properties (bound by the Binder, also before the context starts:
 * the registrations are read by an environment post-processor) and the classes listed in
 * {@code spring.factories}. Jackson reads only trees and maps here: no record needs reflection.
 */
public final class WithingsRuntimeHints implements RuntimeHintsRegistrar {

	/** Where the schema scripts and the changelog are. */
	public static final String SCHEMA_LOCATION = "io/github/springwithings/db";

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		hints.resources()
			.registerPattern(SCHEMA_LOCATION + "/*/*.sql")
			.registerPattern(SCHEMA_LOCATION + "/withings-changelog.xml");
		BindableRuntimeHintsRegistrar
			.forTypes(WithingsProperties.class, WithingsKeepAliveProperties.class, WithingsRateLimitProperties.class,
					WithingsStoreProperties.class, WithingsNotificationProperties.class, WithingsHealthProperties.class,
					WithingsReactiveProperties.class, OAuth2ClientProperties.Registration.class)
			.registerHints(hints, classLoader);
		hints.reflection()
			.registerType(WithingsOAuth2ClientEnvironmentPostProcessor.class, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)
			.registerType(WithingsWebFluxLoggingEnvironmentPostProcessor.class,
					MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)
			.registerType(TypeReference.of("io.github.springwithings.autoconfigure.WithingsStoreSchemaFailureAnalyzer"),
					MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)
			.registerType(
					TypeReference.of("io.github.springwithings.autoconfigure.WithingsStoreScriptNotFoundFailureAnalyzer"),
					MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
	}

}
