package io.github.springwithings.web.service.registry;

import java.util.function.Consumer;

import org.springframework.security.oauth2.client.web.client.ClientRegistrationIdProcessor;
import org.springframework.util.Assert;
import org.springframework.web.service.registry.HttpServiceGroupConfigurer;

/**
 * What the RestClient and WebClient group configurers share: one group, by name, gets the
 * Withings client configuration and {@link ClientRegistrationIdProcessor} (so that
 * {@code @ClientRegistrationId} picks another Withings registration than the default one).
 *
 * @param <B> the client builder type
 */
abstract class WithingsHttpServiceGroups<B> implements HttpServiceGroupConfigurer<B> {

	private final String groupName;

	private final Consumer<B> clientConfigurer;

	private int order;

	WithingsHttpServiceGroups(String groupName, Consumer<B> clientConfigurer) {
		Assert.hasText(groupName, "groupName cannot be empty");
		Assert.notNull(clientConfigurer, "clientConfigurer cannot be null");
		this.groupName = groupName;
		this.clientConfigurer = clientConfigurer;
	}

	@Override
	public void configureGroups(Groups<B> groups) {
		groups.filterByName(this.groupName).forEachGroup((group, clientBuilder, proxyFactoryBuilder) -> {
			this.clientConfigurer.accept(clientBuilder);
			proxyFactoryBuilder.httpRequestValuesProcessor(ClientRegistrationIdProcessor.DEFAULT_INSTANCE);
		});
	}

	/**
	 * The group configured.
	 * @return the group's name
	 */
	public String getGroupName() {
		return this.groupName;
	}

	/**
	 * Set when this runs among the group configurers (0 by default: after Boot's, which apply the
	 * {@code spring.http.serviceclient.*} properties first).
	 * @param order the order
	 */
	public void setOrder(int order) {
		this.order = order;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

}
