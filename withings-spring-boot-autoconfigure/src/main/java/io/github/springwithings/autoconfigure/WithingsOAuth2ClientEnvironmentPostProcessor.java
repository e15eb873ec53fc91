package io.github.springwithings.autoconfigure;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Contributes the {@code withings} provider ({@code spring.security.oauth2.client.provider.withings.*})
 * and the defaults of every Withings registration, as Spring Security's {@code CommonOAuth2Provider}
 * does for Google or GitHub: authorization URI {@code {withings.account-base-uri}/oauth2_user/authorize2},
 * token URI {@code {withings.api-base-uri}/v2/oauth2}, user name attribute {@code userid},
 * {@code client_secret_post}, {@code authorization_code}, redirect URI
 * {@code {baseUrl}/login/oauth2/code/{registrationId}} and scope {@code user.metrics,user.activity}.
 * The values come from a property source placed last, so every property the application sets wins.
 *
 * @see WithingsWebFluxLoggingEnvironmentPostProcessor
 */
public final class WithingsOAuth2ClientEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Name of the property source holding the defaults. */
	public static final String PROPERTY_SOURCE_NAME = WithingsOAuth2ClientDefaultsPropertySource.NAME;

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources().remove(PROPERTY_SOURCE_NAME);
		environment.getPropertySources().addLast(new WithingsOAuth2ClientDefaultsPropertySource(environment));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
