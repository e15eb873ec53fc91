package io.github.springwithings.oauth2.client.endpoint;

import java.util.function.Consumer;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.AbstractRestClientOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.Assert;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * Adds what Withings' token endpoint needs on top of Spring's standard parameters:
 * {@code action=requesttoken} and, with {@link WithingsClientAuthentication#SIGNATURE}, a fresh
 * {@code nonce} and its {@code signature}. For
 * {@link AbstractRestClientOAuth2AccessTokenResponseClient#addParametersConverter}; pair it with
 * {@link #removeClientSecretWhenSigned()} as the parameters customizer so that a signed request
 * carries no secret.
 *
 * @param <T> the grant request
 */
public final class WithingsTokenRequestParametersConverter<T extends AbstractOAuth2AuthorizationGrantRequest>
		implements Converter<T, MultiValueMap<String, String>> {

	static final String ACTION = "requesttoken";

	private final WithingsClientAuthentication clientAuthentication;

	private final WithingsNonceClient nonceClient;

	private final WithingsSigner signer = new WithingsSigner();

	/**
	 * @param clientAuthentication how to authenticate
	 * @param nonceClient where nonces come from (used with {@link WithingsClientAuthentication#SIGNATURE})
	 */
	public WithingsTokenRequestParametersConverter(WithingsClientAuthentication clientAuthentication,
			WithingsNonceClient nonceClient) {
		Assert.notNull(clientAuthentication, "clientAuthentication cannot be null");
		Assert.notNull(nonceClient, "nonceClient cannot be null");
		this.clientAuthentication = clientAuthentication;
		this.nonceClient = nonceClient;
	}

	@Override
	public MultiValueMap<String, String> convert(T grantRequest) {
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
		parameters.set("action", ACTION);
		if (this.clientAuthentication == WithingsClientAuthentication.SIGNATURE) {
			ClientRegistration registration = grantRequest.getClientRegistration();
			String nonce = this.nonceClient.getNonce(registration);
			parameters.set("nonce", nonce);
			parameters.set("signature",
					this.signer.sign(registration.getClientSecret(), ACTION, registration.getClientId(), nonce));
		}
		return parameters;
	}

	/**
	 * A parameters customizer that drops {@code client_secret} from signed requests.
	 * @return the customizer
	 */
	public static Consumer<MultiValueMap<String, String>> removeClientSecretWhenSigned() {
		return (parameters) -> {
			if (parameters.containsKey("signature")) {
				parameters.remove(OAuth2ParameterNames.CLIENT_SECRET);
			}
		};
	}

}
