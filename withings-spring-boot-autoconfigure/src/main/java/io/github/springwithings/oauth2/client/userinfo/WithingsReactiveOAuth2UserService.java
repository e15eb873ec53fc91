package io.github.springwithings.oauth2.client.userinfo;

import java.util.function.Predicate;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.userinfo.DefaultReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.core.user.OAuth2User;
import org.springframework.util.Assert;

/**
 * The reactive twin of {@link WithingsOAuth2UserService}: Withings users are built from
 * {@code userid} (no call), every other registration goes to Spring's
 * {@link DefaultReactiveOAuth2UserService}.
 */
public final class WithingsReactiveOAuth2UserService implements ReactiveOAuth2UserService<OAuth2UserRequest, OAuth2User> {

	private final Predicate<ClientRegistration> withingsRegistrations;

	private final WithingsOAuth2UserService withings;

	private ReactiveOAuth2UserService<OAuth2UserRequest, OAuth2User> delegate = new DefaultReactiveOAuth2UserService();

	/**
	 * @param withingsRegistrations which registrations are Withings ones
	 */
	public WithingsReactiveOAuth2UserService(Predicate<ClientRegistration> withingsRegistrations) {
		Assert.notNull(withingsRegistrations, "withingsRegistrations cannot be null");
		this.withingsRegistrations = withingsRegistrations;
		this.withings = new WithingsOAuth2UserService(withingsRegistrations);
	}

	@Override
	public Mono<OAuth2User> loadUser(OAuth2UserRequest userRequest) {
		if (this.withingsRegistrations.test(userRequest.getClientRegistration())) {
			return Mono.fromCallable(() -> this.withings.loadUser(userRequest));
		}
		return this.delegate.loadUser(userRequest);
	}

	/**
	 * Set the service for other registrations.
	 * @param delegate the service, {@link DefaultReactiveOAuth2UserService} by default
	 */
	public void setDelegate(ReactiveOAuth2UserService<OAuth2UserRequest, OAuth2User> delegate) {
		Assert.notNull(delegate, "delegate cannot be null");
		this.delegate = delegate;
	}

}
