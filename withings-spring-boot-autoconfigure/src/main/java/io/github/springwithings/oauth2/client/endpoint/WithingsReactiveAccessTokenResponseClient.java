package io.github.springwithings.oauth2.client.endpoint;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.codec.CodecException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.DefaultOAuth2TokenRequestParametersConverter;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.Assert;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * The reactive twin of {@link WithingsAccessTokenResponseClient}, for WebFlux applications: the
 * same Withings token requests (with a nonce fetched without blocking in signature mode), the same
 * envelope unwrapping and the same error mapping; other registrations go to Spring's stock
 * {@code WebClientReactive*TokenResponseClient}.
 *
 * @param <T> the grant request
 */
public final class WithingsReactiveAccessTokenResponseClient<T extends AbstractOAuth2AuthorizationGrantRequest>
		implements ReactiveOAuth2AccessTokenResponseClient<T> {

	private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
	};

	/**
	 * Parses answers here rather than in a WebClient codec: Spring's JSON decoder logs what it
	 * decodes (tokens, nonces) at DEBUG and TRACE, whereas the byte array decoder logs only a count.
	 */
	/** What Spring's form writer sent. */
	private static final MediaType FORM_UTF_8 = new MediaType(MediaType.APPLICATION_FORM_URLENCODED,
			StandardCharsets.UTF_8);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Predicate<ClientRegistration> withingsRegistrations;

	private final WithingsClientAuthentication clientAuthentication;

	private final WebClient webClient;

	private final ReactiveOAuth2AccessTokenResponseClient<T> defaultClient;

	private final DefaultOAuth2TokenRequestParametersConverter<T> parameters = new DefaultOAuth2TokenRequestParametersConverter<>();

	private final WithingsAccessTokenResponseConverter responseConverter = new WithingsAccessTokenResponseConverter();

	private final WithingsSigner signer = new WithingsSigner();

	/**
	 * @param withingsRegistrations which registrations are Withings ones
	 * @param clientAuthentication signature or client secret
	 * @param webClient the client used to call Withings
	 * @param defaultClient the client for every other registration
	 */
	public WithingsReactiveAccessTokenResponseClient(Predicate<ClientRegistration> withingsRegistrations,
			WithingsClientAuthentication clientAuthentication, WebClient webClient,
			ReactiveOAuth2AccessTokenResponseClient<T> defaultClient) {
		Assert.notNull(withingsRegistrations, "withingsRegistrations cannot be null");
		Assert.notNull(clientAuthentication, "clientAuthentication cannot be null");
		Assert.notNull(webClient, "webClient cannot be null");
		Assert.notNull(defaultClient, "defaultClient cannot be null");
		this.withingsRegistrations = withingsRegistrations;
		this.clientAuthentication = clientAuthentication;
		// a token or nonce answer is a few hundred bytes: read no more than the blocking client does
		this.webClient = webClient.mutate()
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(BoundedResponses.MAX_TOKEN_ANSWER))
			.build();
		this.defaultClient = defaultClient;
	}

	/**
	 * A client for the authorization code grant.
	 * @param withingsRegistrations which registrations are Withings ones
	 * @param clientAuthentication signature or client secret
	 * @param webClient the client used to call Withings
	 * @return the client
	 */
	public static WithingsReactiveAccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> authorizationCode(
			Predicate<ClientRegistration> withingsRegistrations, WithingsClientAuthentication clientAuthentication,
			WebClient webClient) {
		return new WithingsReactiveAccessTokenResponseClient<>(withingsRegistrations, clientAuthentication, webClient,
				new WebClientReactiveAuthorizationCodeTokenResponseClient());
	}

	/**
	 * A client for the refresh token grant.
	 * @param withingsRegistrations which registrations are Withings ones
	 * @param clientAuthentication signature or client secret
	 * @param webClient the client used to call Withings
	 * @return the client
	 */
	public static WithingsReactiveAccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshToken(
			Predicate<ClientRegistration> withingsRegistrations, WithingsClientAuthentication clientAuthentication,
			WebClient webClient) {
		return new WithingsReactiveAccessTokenResponseClient<>(withingsRegistrations, clientAuthentication, webClient,
				new WebClientReactiveRefreshTokenTokenResponseClient());
	}

	@Override
	public Mono<OAuth2AccessTokenResponse> getTokenResponse(T grantRequest) {
		Assert.notNull(grantRequest, "grantRequest cannot be null");
		ClientRegistration registration = grantRequest.getClientRegistration();
		if (!this.withingsRegistrations.test(registration)) {
			return this.defaultClient.getTokenResponse(grantRequest);
		}
		return Mono.defer(() -> form(grantRequest))
			.flatMap((form) -> post(registration.getProviderDetails().getTokenUri(), form))
			.map(this.responseConverter::convert)
			.onErrorMap(this::translate)
			.doOnError(OAuth2AuthorizationException.class, (ex) -> WithingsTokenErrors.warnIfRequestRefused(ex,
					grantRequest.getGrantType().getValue(), registration.getRegistrationId()));
	}

	private Mono<MultiValueMap<String, String>> form(T grantRequest) {
		ClientRegistration registration = grantRequest.getClientRegistration();
		MultiValueMap<String, String> form = this.parameters.convert(grantRequest);
		form.set("action", WithingsTokenRequestParametersConverter.ACTION);
		if (this.clientAuthentication != WithingsClientAuthentication.SIGNATURE) {
			return Mono.just(form);
		}
		return nonce(registration).map((nonce) -> {
			form.remove(OAuth2ParameterNames.CLIENT_SECRET);
			form.set("nonce", nonce);
			form.set("signature", this.signer.sign(registration.getClientSecret(),
					WithingsTokenRequestParametersConverter.ACTION, registration.getClientId(), nonce));
			return form;
		});
	}

	private Mono<String> nonce(ClientRegistration registration) {
		return post(WithingsNonceClient.signatureUri(registration),
				WithingsNonceClient.nonceRequest(registration, java.time.Instant.now(), this.signer))
			.map(WithingsNonceClient::nonceOf);
	}

	private Mono<Map<String, Object>> post(String uri, MultiValueMap<String, String> form) {
		return this.webClient.post()
			.uri(uri)
			.contentType(FORM_UTF_8)
			.accept(MediaType.APPLICATION_JSON)
			// pre-encoded bytes: the form writer would log the values (secret, code, nonce, signature)
			.body(BodyInserters.fromValue(encode(form)))
			.exchangeToMono(this::read);
	}

	private Mono<Map<String, Object>> read(ClientResponse response) {
		if (response.statusCode().isError()) {
			return response.releaseBody()
				.then(Mono.error(new WithingsResponseException("Withings answered HTTP " + response.statusCode().value())));
		}
		MediaType contentType = response.headers().contentType().orElse(null);
		if (contentType == null || !contentType.isCompatibleWith(MediaType.APPLICATION_JSON)) {
			return response.releaseBody()
				.then(Mono.error(new WithingsResponseException(
						"Withings answered with content type '" + contentType + "' instead of a JSON envelope")));
		}
		if (response.headers().contentLength().orElse(-1) > BoundedResponses.MAX_TOKEN_ANSWER) {
			return response.releaseBody().then(Mono.error(new WithingsResponseException(BoundedResponses.TOO_LARGE)));
		}
		return response.bodyToMono(byte[].class)
			.onErrorMap(DataBufferLimitException.class, (ex) -> new WithingsResponseException(BoundedResponses.TOO_LARGE))
			.onErrorMap(CodecException.class, (ex) -> notJson())
			.flatMap((body) -> Mono.justOrEmpty(parse(body)))
			.switchIfEmpty(Mono.error(new WithingsResponseException("Withings answered with an empty body")));
	}

	/** The JSON object of an answer, {@code null} when the body is empty or JSON {@code null}. */
	private static Map<String, Object> parse(byte[] body) {
		if (isBlank(body)) {
			return null;
		}
		try {
			return json.readValue(body, JSON_OBJECT);
		}
		catch (JacksonException ex) {
			throw notJson();
		}
	}

	private static boolean isBlank(byte[] body) {
		for (byte b : body) {
			if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
				return false;
			}
		}
		return true;
	}

	private static WithingsResponseException notJson() {
		return new WithingsResponseException(
				"Withings answered with a body that is not valid JSON (malformed or truncated)");
	}

	/** The form, URL-encoded in UTF-8, as bytes (which no codec logs beyond their count). */
	private static byte[] encode(MultiValueMap<String, String> form) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (Map.Entry<String, List<String>> entry : form.entrySet()) {
			String name = URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8);
			for (String value : entry.getValue()) {
				if (out.size() > 0) {
					out.write('&');
				}
				out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
				if (value != null) {
					out.write('=');
					out.writeBytes(URLEncoder.encode(value, StandardCharsets.UTF_8).getBytes(StandardCharsets.US_ASCII));
				}
			}
		}
		return out.toByteArray();
	}

	private Throwable translate(Throwable ex) {
		if (ex instanceof WithingsStatusException || ex instanceof WithingsResponseException
				|| ex instanceof OAuth2AuthorizationException) {
			return WithingsTokenErrors.translate((RuntimeException) ex);
		}
		if (ex instanceof WebClientRequestException io) {
			return new OAuth2AuthorizationException(new OAuth2Error(WithingsTokenErrors.INVALID_TOKEN_RESPONSE,
					"Withings could not be reached: " + io.getMostSpecificCause().getClass().getSimpleName(), null), io);
		}
		return ex;
	}

}
