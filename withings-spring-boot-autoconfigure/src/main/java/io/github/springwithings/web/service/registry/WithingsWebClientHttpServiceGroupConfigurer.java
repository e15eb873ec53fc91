package io.github.springwithings.web.service.registry;

import java.util.function.Consumer;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;

/**
 * Makes an HTTP service client group backed by {@code WebClient} speak to Withings: the group's
 * builder gets what {@code clientConfigurer} adds (with the auto-configuration: the base URL, the
 * {@code withings.http} timeouts and the {@code WithingsExchangeFilterFunction}: Withings' envelope,
 * the user's token and its refresh, the rate budget, never blocking), and its proxies
 * {@code @ClientRegistrationId}. Other groups are left alone.
 */
public final class WithingsWebClientHttpServiceGroupConfigurer extends WithingsHttpServiceGroups<WebClient.Builder>
		implements WebClientHttpServiceGroupConfigurer {

	/**
	 * @param groupName the group to configure ({@code withings} with the auto-configuration)
	 * @param clientConfigurer applied to the group's {@code WebClient.Builder}
	 */
	public WithingsWebClientHttpServiceGroupConfigurer(String groupName, Consumer<WebClient.Builder> clientConfigurer) {
		super(groupName, clientConfigurer);
	}

}
