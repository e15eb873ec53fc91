package io.github.springwithings.api;

import java.util.Map;
import java.util.function.Consumer;

import org.springframework.security.oauth2.client.web.client.RequestAttributeClientRegistrationIdResolver;
import org.springframework.security.oauth2.client.web.client.RequestAttributePrincipalResolver;

/**
 * Request attributes that say on whose behalf a Withings API call is made, for calls outside a
 * web request (scheduled jobs, notification handlers):
 * <pre class="code">
 * withingsRestClient.post().uri("/measure").attributes(WithingsRequestAttributes.userId(userId))...
 * </pre>
 */
public final class WithingsRequestAttributes {

	/**
	 * The attribute naming the Withings {@code action} of a {@code WebClient} call (for its
	 * observation; the {@code RestClient} interceptor reads it from the form body).
	 */
	public static final String ACTION = "io.github.springwithings.api.WithingsRequestAttributes.action";

	/** The attribute holding the Withings user id of a call. */
	public static final String USER_ID = "io.github.springwithings.api.WithingsRequestAttributes.userId";

	private WithingsRequestAttributes() {
	}

	/**
	 * The call is made for this Withings user id.
	 * @param userId the Withings user id
	 * @return the attributes consumer
	 */
	public static Consumer<Map<String, Object>> userId(String userId) {
		return (attributes) -> attributes.put(USER_ID, userId);
	}

	/**
	 * The call's Withings {@code action}, named for its observation.
	 * @param action the Withings {@code action}
	 * @return the attributes consumer
	 */
	public static Consumer<Map<String, Object>> action(String action) {
		return (attributes) -> attributes.put(ACTION, action);
	}

	/**
	 * The call is made for this principal name.
	 * @param principalName the principal name
	 * @return the attributes consumer
	 */
	public static Consumer<Map<String, Object>> principal(String principalName) {
		return RequestAttributePrincipalResolver.principal(principalName);
	}

	/**
	 * The call uses this registration (the default Withings registration otherwise).
	 * @param registrationId the client registration id
	 * @return the attributes consumer
	 */
	public static Consumer<Map<String, Object>> clientRegistrationId(String registrationId) {
		return RequestAttributeClientRegistrationIdResolver.clientRegistrationId(registrationId);
	}

}
