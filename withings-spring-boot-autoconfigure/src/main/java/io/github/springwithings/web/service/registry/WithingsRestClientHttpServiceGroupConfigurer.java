package io.github.springwithings.web.service.registry;

import java.util.function.Consumer;

import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;

/**
 * Makes an HTTP service client group backed by {@code RestClient} speak to Withings: the group's
 * builder gets what {@code clientConfigurer} adds (with the auto-configuration: the base URL, the
 * {@code withings.http} timeouts, Withings' envelope, the user's token and its refresh, the rate
 * budget), and its proxies {@code @ClientRegistrationId}. Other groups are left alone.
 *
 * <pre class="code">
 * &#64;ImportHttpServices(group = "withings", types = WithingsMeasureService.class)
 * </pre>
 */
public final class WithingsRestClientHttpServiceGroupConfigurer extends WithingsHttpServiceGroups<RestClient.Builder>
		implements RestClientHttpServiceGroupConfigurer {

	/**
	 * @param groupName the group to configure ({@code withings} with the auto-configuration)
	 * @param clientConfigurer applied to the group's {@code RestClient.Builder}
	 */
	public WithingsRestClientHttpServiceGroupConfigurer(String groupName, Consumer<RestClient.Builder> clientConfigurer) {
		super(groupName, clientConfigurer);
	}

}
