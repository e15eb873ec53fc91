package io.github.springwithings.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;

/**
 * WebFlux and non-web applications: where Boot's reactive OAuth2 client auto-configuration
 * applies.
 */
class NonServletApplicationCondition extends NoneNestedConditions {

	NonServletApplicationCondition() {
		super(ConfigurationPhase.PARSE_CONFIGURATION);
	}

	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class ServletApplication {

	}

}
