package io.github.springwithings.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.github.springwithings.web.client.WithingsRequestAttributes;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * Typed calls of the Withings API over a {@code RestClient} set up by the starter
 * ({@code withingsRestClient}: base URL, bearer token, envelope handling). {@link #getMeasures} is
 * the worked example; {@link #call} covers any other action.
 *
 * <pre class="code">
 * WithingsMeasures lastMonth = withingsApi.getMeasures(Instant.now().minus(30, DAYS), Instant.now(), WithingsMeasure.WEIGHT);
 * WithingsMeasures inAJob = withingsApi.forUser(userId).getMeasures(since, Instant.now(), WithingsMeasure.WEIGHT);
 * </pre>
 */
public final class WithingsApi {

	private final RestClient restClient;

	private final Consumer<Map<String, Object>> attributes;

	/**
	 * @param restClient a client with the starter's interceptors (the {@code withingsRestClient} bean)
	 */
	public WithingsApi(RestClient restClient) {
		this(restClient, (attributes) -> {
		});
	}

	private WithingsApi(RestClient restClient, Consumer<Map<String, Object>> attributes) {
		Assert.notNull(restClient, "restClient cannot be null");
		this.restClient = restClient;
		this.attributes = attributes;
	}

	/**
	 * The same API, on behalf of a Withings user (outside web requests).
	 * @param userId the Withings user id
	 * @return the API for that user
	 */
	public WithingsApi forUser(String userId) {
		return new WithingsApi(this.restClient, WithingsRequestAttributes.userId(userId));
	}

	/**
	 * The same API, on behalf of a principal (outside web requests).
	 * @param principalName the principal name
	 * @return the API for that principal
	 */
	public WithingsApi forPrincipal(String principalName) {
		return new WithingsApi(this.restClient, WithingsRequestAttributes.principal(principalName));
	}

	/**
	 * {@code measure/getmeas} between two instants.
	 * @param startDate the first instant (inclusive)
	 * @param endDate the last instant (inclusive)
	 * @param measureTypes the measure types, all when empty
	 * @return the measures
	 */
	public WithingsMeasures getMeasures(Instant startDate, Instant endDate, int... measureTypes) {
		return measures(call("/measure", "getmeas", measuresParameters(startDate, endDate, measureTypes), JsonNode.class));
	}

	/** The form of {@code getmeas}. */
	static Map<String, String> measuresParameters(Instant startDate, Instant endDate, int... measureTypes) {
		Map<String, String> parameters = new java.util.LinkedHashMap<>();
		parameters.put("startdate", Long.toString(startDate.getEpochSecond()));
		parameters.put("enddate", Long.toString(endDate.getEpochSecond()));
		if (measureTypes.length > 0) {
			parameters.put("meastypes",
					Arrays.stream(measureTypes).mapToObj(Integer::toString).collect(Collectors.joining(",")));
		}
		return parameters;
	}

	/** The body of a {@code getmeas} answer. */
	static WithingsMeasures measures(JsonNode body) {
		List<WithingsMeasureGroup> groups = new ArrayList<>();
		for (JsonNode group : body.path("measuregrps")) {
			List<WithingsMeasure> measures = new ArrayList<>();
			for (JsonNode measure : group.path("measures")) {
				measures.add(new WithingsMeasure(measure.path("type").asInt(),
						BigDecimal.valueOf(measure.path("value").asLong(), -measure.path("unit").asInt())));
			}
			groups.add(new WithingsMeasureGroup(group.path("grpid").asLong(),
					Instant.ofEpochSecond(group.path("date").asLong()), group.path("category").asInt(), measures));
		}
		return new WithingsMeasures(groups, body.path("more").asInt() != 0, body.path("offset").asInt(),
				body.path("timezone").asString(null), Instant.ofEpochSecond(body.path("updatetime").asLong()));
	}

	/** The form of an action. */
	static MultiValueMap<String, String> form(String action, Map<String, String> parameters) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.set("action", action);
		parameters.forEach(form::set);
		return form;
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
	public <T> T call(String path, String action, Map<String, String> parameters, Class<T> bodyType) {
		return this.restClient.post()
			.uri(path)
			.attributes(this.attributes)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(form(action, parameters))
			.retrieve()
			.body(bodyType);
	}

}
