package io.github.springwithings.api;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

import io.github.springwithings.web.client.WithingsRequestAttributes;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The reactive twin of {@link WithingsApi}, over a {@code WebClient} set up by the starter
 * ({@code withingsWebClient}: base URL, bearer token of the signed-in user or of the user named,
 * single-flight refresh, envelope handling, the shared rate limit), for WebFlux handlers and
 * reactive background work. Nothing blocks the subscribing thread.
 *
 * <pre class="code">
 * Mono&lt;WithingsMeasures&gt; lastMonth = withingsReactiveApi.getMeasures(Instant.now().minus(30, DAYS), Instant.now(), WithingsMeasure.WEIGHT);
 * Mono&lt;WithingsMeasures&gt; inAJob = withingsReactiveApi.forUser(userId).getMeasures(since, Instant.now(), WithingsMeasure.WEIGHT);
 * </pre>
 */
public final class WithingsReactiveApi {

	private final WebClient webClient;

	private final Consumer<Map<String, Object>> attributes;

	/**
	 * @param webClient a client with the starter's filter (the {@code withingsWebClient} bean)
	 */
	public WithingsReactiveApi(WebClient webClient) {
		this(webClient, (attributes) -> {
		});
	}

	private WithingsReactiveApi(WebClient webClient, Consumer<Map<String, Object>> attributes) {
		Assert.notNull(webClient, "webClient cannot be null");
		this.webClient = webClient;
		this.attributes = attributes;
	}

	/**
	 * The same API, on behalf of a Withings user (outside web requests).
	 * @param userId the Withings user id
	 * @return the API for that user
	 */
	public WithingsReactiveApi forUser(String userId) {
		return new WithingsReactiveApi(this.webClient, WithingsRequestAttributes.userId(userId));
	}

	/**
	 * The same API, on behalf of a principal (outside web requests).
	 * @param principalName the principal name
	 * @return the API for that principal
	 */
	public WithingsReactiveApi forPrincipal(String principalName) {
		return new WithingsReactiveApi(this.webClient, WithingsRequestAttributes.principal(principalName));
	}

	/**
	 * {@code measure/getmeas} between two instants.
	 * @param startDate the first instant (inclusive)
	 * @param endDate the last instant (inclusive)
	 * @param measureTypes the measure types, all when empty
	 * @return the measures
	 */
	public Mono<WithingsMeasures> getMeasures(Instant startDate, Instant endDate, int... measureTypes) {
		return call("/measure", "getmeas", WithingsApi.measuresParameters(startDate, endDate, measureTypes),
				JsonNode.class)
			.map(WithingsApi::measures);
	}

	/**
	 * Any action: {@code POST path} with {@code action} and the parameters as a form.
	 * @param path the path under the API base URI, e.g. {@code /v2/sleep}
	 * @param action the action
	 * @param parameters the other parameters
	 * @param bodyType what the envelope's {@code body} is read as
	 * @param <T> the body type
	 * @return the body
	 */
	public <T> Mono<T> call(String path, String action, Map<String, String> parameters, Class<T> bodyType) {
		return this.webClient.post()
			.uri(path)
			.attributes(this.attributes)
			.attributes(WithingsRequestAttributes.action(action))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData(WithingsApi.form(action, parameters)))
			.retrieve()
			.bodyToMono(bodyType);
	}

}
