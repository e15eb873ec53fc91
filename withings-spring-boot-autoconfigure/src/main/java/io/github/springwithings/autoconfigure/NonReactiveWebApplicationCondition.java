package io.github.springwithings.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;

/**
 * Servlet and non-web applications, as for Boot's own OAuth2 client auto-configuration (reactive
 * applications use reactive repositories this starter does not cover yet).
 */
class NonReactiveWebApplicationCondition extends NoneNestedConditions {

	NonReactiveWebApplicationCondition() {
		super(ConfigurationPhase.PARSE_CONFIGURATION);
	}

	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	static class ReactiveWebApplication {

	}

}
