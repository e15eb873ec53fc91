package io.github.springwithings.simulator;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The simulator enforces the rules of the Withings protocol, over HTTP.
 */
class WithingsSimulatorTests {

	private static final String CLIENT_ID = WithingsSimulator.DEFAULT_CLIENT_ID;

	private static final String SECRET = WithingsSimulator.DEFAULT_CLIENT_SECRET;

	private static final String REDIRECT_URI = "https://app.example.org/callback";

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	private WithingsSimulator simulator;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
		this.simulator.setConsentingUserId("363");
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	@Test
	void authorizeWhenValidThenRedirectsWithCodeAndState() throws Exception {
		HttpResponse<String> response = get("/oauth2_user/authorize2?response_type=code&client_id=" + CLIENT_ID
				+ "&redirect_uri=" + encode(REDIRECT_URI) + "&scope=user.metrics,user.activity&state=xyz");

		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location").orElseThrow()).startsWith(REDIRECT_URI + "?code=")
			.endsWith("&state=xyz");
	}

	@Test
	void authorizeWhenScopesSpaceSeparatedOrPkceOrUnknownClientOrNoStateThenErrorPage() throws Exception {
		String base = "/oauth2_user/authorize2?response_type=code&redirect_uri=" + encode(REDIRECT_URI);
		for (String query : List.of("&client_id=" + CLIENT_ID + "&scope=user.metrics%20user.activity&state=s",
				"&client_id=" + CLIENT_ID + "&scope=user.metrics&state=s&code_challenge=abc",
				"&client_id=" + CLIENT_ID + "&scope=user.unknown&state=s",
				"&client_id=nobody&scope=user.metrics&state=s", "&client_id=" + CLIENT_ID + "&scope=user.metrics")) {
			HttpResponse<String> response = get(base + query);

			assertThat(response.statusCode()).as(query).isEqualTo(400);
			assertThat(response.headers().firstValue("Location")).isEmpty();
		}
	}

	@Test
	void authorizeWhenConsentDeniedThenAccessDenied() throws Exception {
		this.simulator.setDenyConsent(true);

		HttpResponse<String> response = get("/oauth2_user/authorize2?response_type=code&client_id=" + CLIENT_ID
				+ "&redirect_uri=" + encode(REDIRECT_URI) + "&scope=user.metrics&state=s");

		assertThat(response.headers().firstValue("Location").orElseThrow())
			.isEqualTo(REDIRECT_URI + "?error=access_denied&state=s");
	}

	@Test
	void requestTokenWhenSignedWithFreshNonceThenTokensAndNonceSingleUse() throws Exception {
		String nonce = nonce();
		Map<String, Object> first = post("/v2/oauth2", signedCodeExchange(newCode(), nonce));
		Map<String, Object> replay = post("/v2/oauth2", signedCodeExchange(newCode(), nonce));

		assertThat(first).containsEntry("status", 0);
		assertThat(body(first)).containsEntry("userid", 363)
			.containsEntry("expires_in", 10800)
			.containsEntry("scope", "user.metrics")
			.containsEntry("token_type", "Bearer")
			.containsKeys("access_token", "refresh_token", "csrf_token");
		assertThat(replay).containsEntry("status", 503).containsEntry("error", "Invalid Params: invalid nonce");
		assertThat(this.simulator.counters().nonceRequests()).isEqualTo(1);
	}

	@Test
	void requestTokenWhenSignatureWrongOrNonceExpiredThenRejected() throws Exception {
		Map<String, String> badSignature = signedCodeExchange(newCode(), nonce());
		badSignature.put("signature", hmac("other-secret", "requesttoken", CLIENT_ID, badSignature.get("nonce")));
		assertThat(post("/v2/oauth2", badSignature)).containsEntry("error", "Invalid Params: invalid signature");

		String nonce = nonce();
		this.simulator.clock().advance(Duration.ofMinutes(31));
		assertThat(post("/v2/oauth2", signedCodeExchange(newCode(), nonce))).containsEntry("error",
				"Invalid Params: invalid nonce");
	}

	@Test
	void requestTokenWhenJsonBodyThenRejected() throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest
			.newBuilder(URI.create(this.simulator.baseUrl() + "/v2/oauth2"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"requesttoken\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.json.readValue(response.body(), Map.class)).containsEntry("status", 503);
	}

	@Test
	void requestTokenWhenCodeReusedOrRedirectUriDiffersOrExpiredThenInvalidCode() throws Exception {
		String code = newCode();
		assertThat(post("/v2/oauth2", secretCodeExchange(code, REDIRECT_URI))).containsEntry("status", 0);
		assertThat(post("/v2/oauth2", secretCodeExchange(code, REDIRECT_URI))).containsEntry("status", 601);
		this.simulator.clock().advance(Duration.ofSeconds(11));
		assertThat(post("/v2/oauth2", secretCodeExchange(code, REDIRECT_URI))).containsEntry("error",
				"Invalid Params: invalid code");
		assertThat(post("/v2/oauth2", secretCodeExchange(newCode(), "https://evil.example.org/callback")))
			.containsEntry("error", "Invalid Params: invalid code");
		String late = newCode();
		this.simulator.clock().advance(Duration.ofSeconds(31));
		assertThat(post("/v2/oauth2", secretCodeExchange(late, REDIRECT_URI))).containsEntry("error",
				"Invalid Params: invalid code");
	}

	@Test
	void refreshWhenNewAccessTokenUsedThenOldRefreshTokenDies() throws Exception {
		Map<String, Object> tokens = body(post("/v2/oauth2", secretCodeExchange(newCode(), REDIRECT_URI)));
		String oldRefresh = (String) tokens.get("refresh_token");
		Map<String, Object> rotated = body(post("/v2/oauth2", secretRefresh(oldRefresh)));

		assertThat(rotated.get("refresh_token")).isNotEqualTo(oldRefresh);
		assertThat(this.simulator.refreshTokenState(oldRefresh)).isEqualTo(RefreshTokenState.GRACE);

		Map<String, Object> measures = getmeas((String) rotated.get("access_token"));
		assertThat(measures).containsEntry("status", 0);
		assertThat(this.simulator.refreshTokenState(oldRefresh)).isEqualTo(RefreshTokenState.DEAD);
		this.simulator.clock().advance(Duration.ofSeconds(11));
		assertThat(post("/v2/oauth2", secretRefresh(oldRefresh))).containsEntry("error",
				"Invalid Params: invalid refresh_token");
		assertThat(this.simulator.counters().deadChainUses()).isEqualTo(1);
	}

	@Test
	void refreshWhenGraceOf8HoursPassesThenOldRefreshTokenDies() throws Exception {
		String oldRefresh = (String) body(post("/v2/oauth2", secretCodeExchange(newCode(), REDIRECT_URI)))
			.get("refresh_token");
		post("/v2/oauth2", secretRefresh(oldRefresh));
		this.simulator.clock().advance(Duration.ofHours(7));
		assertThat(this.simulator.refreshTokenState(oldRefresh)).isEqualTo(RefreshTokenState.GRACE);
		this.simulator.clock().advance(Duration.ofHours(2));
		assertThat(this.simulator.refreshTokenState(oldRefresh)).isEqualTo(RefreshTokenState.DEAD);
	}

	@Test
	void oauth2WhenNoActionThenEnvelope503WithoutCredentialsCheckedAndNever601() throws Exception {
		for (int i = 0; i < 3; i++) {
			Map<String, Object> answer = post("/v2/oauth2", Map.of());

			assertThat(answer).containsEntry("status", 503).containsEntry("error", "Invalid Params: invalid action");
		}
		assertThat(post("/v2/oauth2", Map.of("client_id", "unknown"))).containsEntry("status", 503)
			.containsEntry("error", "Invalid Params: invalid action");
		assertThat(this.simulator.counters().actionlessRequests()).isEqualTo(4);
		assertThat(this.simulator.counters().rejectedTokenRequests()).isZero();
		assertThat(this.simulator.counters().tooManyRequests()).isZero();
	}

	@Test
	void requestTokenWhenSameArgumentsWithin10SecondsThen601WithWaitSeconds() throws Exception {
		String refresh = (String) body(post("/v2/oauth2", secretCodeExchange(newCode(), REDIRECT_URI)))
			.get("refresh_token");
		assertThat(post("/v2/oauth2", secretRefresh(refresh))).containsEntry("status", 0);

		Map<String, Object> again = post("/v2/oauth2", secretRefresh(refresh));

		assertThat(again).containsEntry("status", 601);
		assertThat((Integer) body(again).get("wait_seconds")).isBetween(1, 10);
		assertThat(this.simulator.counters().tooManyRequests()).isEqualTo(1);
	}

	@Test
	void getmeasWhenTokenBadOrExpiredThenStatus401InHttp200() throws Exception {
		assertThat(getmeas("not-a-token")).containsEntry("status", 401);
		String accessToken = (String) body(post("/v2/oauth2", secretCodeExchange(newCode(), REDIRECT_URI)))
			.get("access_token");
		this.simulator.clock().advance(Duration.ofHours(3));
		assertThat(getmeas(accessToken)).containsEntry("status", 401);
		assertThat(this.simulator.counters().unauthorizedDataRequests()).isEqualTo(2);
	}

	@Test
	@SuppressWarnings("unchecked")
	void getmeasWhenTokenValidThenRealisticWeights() throws Exception {
		String accessToken = (String) body(post("/v2/oauth2", secretCodeExchange(newCode(), REDIRECT_URI)))
			.get("access_token");
		long monthAgo = this.simulator.clock().instant().minus(Duration.ofDays(30)).getEpochSecond();

		Map<String, Object> body = body(getmeas(accessToken, Map.of("startdate", Long.toString(monthAgo))));

		List<Map<String, Object>> groups = (List<Map<String, Object>>) body.get("measuregrps");
		assertThat(groups).hasSize(30).allSatisfy((group) -> {
			Map<String, Object> measure = ((List<Map<String, Object>>) group.get("measures")).get(0);
			assertThat(measure).containsEntry("type", 1).containsEntry("unit", -3);
			assertThat((Integer) measure.get("value")).isBetween(40_000, 150_000);
			assertThat(((Number) group.get("date")).longValue()).isGreaterThanOrEqualTo(monthAgo);
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void getmeasWhenPageSizeSmallThenMoreAndOffsetUntilTheLastPage() throws Exception {
		String accessToken = accessToken("user.metrics");
		this.simulator.setPageSize(25);

		Map<String, Object> first = body(getmeas(accessToken));
		Map<String, Object> last = body(getmeas(accessToken, Map.of("offset", "50")));

		assertThat((List<Object>) first.get("measuregrps")).hasSize(25);
		assertThat(first).containsEntry("more", 1).containsEntry("offset", 25);
		assertThat((List<Object>) last.get("measuregrps")).hasSize(10);
		assertThat(last).containsEntry("more", 0).containsEntry("offset", 0);
	}

	@Test
	@SuppressWarnings("unchecked")
	void getmeasWhenLastUpdateThenOnlyGroupsModifiedAfterItIncludingSteppedOnScale() throws Exception {
		String accessToken = accessToken("user.metrics");
		long lastUpdate = this.simulator.clock().instant().getEpochSecond();
		this.simulator.clock().advance(Duration.ofSeconds(1));
		this.simulator.stepOnScale("363", 71.25);

		Map<String, Object> body = body(getmeas(accessToken, Map.of("lastupdate", Long.toString(lastUpdate))));

		assertThat((List<Map<String, Object>>) body.get("measuregrps")).singleElement()
			.satisfies((group) -> assertThat(((Number) group.get("modified")).longValue()).isEqualTo(lastUpdate + 1));
	}

	@Test
	@SuppressWarnings("unchecked")
	void getmeasWhenObjectiveRecordedThenOnlyWithCategoryTwoOrNoCategory() throws Exception {
		String accessToken = accessToken("user.metrics");
		long lastUpdate = this.simulator.clock().instant().getEpochSecond();
		this.simulator.clock().advance(Duration.ofSeconds(1));
		long measured = this.simulator.recordMeasures("363", new SimulatorMeasure(1, 70100, -3));
		long objective = this.simulator.recordObjective("363", new SimulatorMeasure(1, 65000, -3));
		String since = Long.toString(lastUpdate);

		List<Map<String, Object>> real = (List<Map<String, Object>>) body(
				getmeas(accessToken, Map.of("lastupdate", since, "category", "1"))).get("measuregrps");
		List<Map<String, Object>> objectives = (List<Map<String, Object>>) body(
				getmeas(accessToken, Map.of("lastupdate", since, "category", "2"))).get("measuregrps");
		List<Map<String, Object>> both = (List<Map<String, Object>>) body(getmeas(accessToken, Map.of("lastupdate", since)))
			.get("measuregrps");

		assertThat(real).singleElement().satisfies((group) -> {
			assertThat(((Number) group.get("grpid")).longValue()).isEqualTo(measured);
			assertThat(group.get("category")).isEqualTo(1);
		});
		assertThat(objectives).singleElement().satisfies((group) -> {
			assertThat(((Number) group.get("grpid")).longValue()).isEqualTo(objective);
			assertThat(group.get("category")).isEqualTo(2);
		});
		assertThat(both).hasSize(2);
	}

	@Test
	void dataWhenAskedTwiceAndAfterTheClockMovesDaysThenTheSameHistoryWithItsModified() throws Exception {
		String scopes = "user.metrics,user.activity";
		Map<String, Object> first = history(accessToken(scopes));
		Map<String, Object> again = history(accessToken(scopes));
		this.simulator.clock().advance(Duration.ofDays(2).plusHours(5));
		String later = accessToken(scopes);
		Map<String, Object> afterTwoDays = history(later);

		assertThat(again).isEqualTo(first);
		assertThat(afterTwoDays).isEqualTo(first);
		assertThat(rows(first, "getmeas")).hasSize(60).allSatisfy((group) -> assertThat(group).containsKey("modified"));
		assertThat(rows(first, "getactivity")).hasSize(60)
			.allSatisfy((day) -> assertThat(day).containsKeys("date", "modified"));
		assertThat(rows(first, "getsummary")).isNotEmpty()
			.allSatisfy((night) -> assertThat(night).containsKeys("created", "modified"));
		assertThat(rows(first, "getworkouts")).isNotEmpty()
			.allSatisfy((workout) -> assertThat(workout).containsKey("modified"));
		assertThat(rows(first, "list")).isNotEmpty()
			.allSatisfy((ecg) -> assertThat(ecg).containsKey("timestamp").doesNotContainKey("modified"));
		// nothing changed since: a lastupdate call after the first one sees nothing, even days later
		long since = this.simulator.clock().instant().minus(Duration.ofDays(2)).getEpochSecond();
		for (String action : List.of("getmeas", "getactivity", "getsummary", "getworkouts")) {
			assertThat(changedSince(later, action, since)).as(action).isEmpty();
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void dataWhenChangesRecordedThenLastUpdateReturnsOnlyThoseModifiedStrictlyAfterIt() throws Exception {
		String accessToken = accessToken("user.metrics,user.activity");
		List<Map<String, Object>> weighings = rows(body(getmeas(accessToken)), "measuregrps");
		this.simulator.clock().advance(Duration.ofMinutes(10));
		Instant now = this.simulator.clock().instant();
		long changed = ((Number) weighings.get(59).get("grpid")).longValue();
		LocalDate today = LocalDate.ofInstant(now, SimulatorData.ZONE);

		this.simulator.changeMeasure("363", changed, 65.432);
		this.simulator.recordActivity("363", today, 1234);
		this.simulator.recordActivity("363", today.minusDays(80), 4321);
		this.simulator.recordSleep("363", now.minus(Duration.ofHours(7)), now.minus(Duration.ofMinutes(5)));
		this.simulator.recordWorkout("363", 7, now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)));
		long after = this.simulator.clock().instant().getEpochSecond();
		long justBefore = now.getEpochSecond() - 1;

		List<Map<String, Object>> groups = changedSince(accessToken, "getmeas", justBefore);
		assertThat(groups).singleElement().satisfies((group) -> {
			assertThat(((Number) group.get("grpid")).longValue()).isEqualTo(changed);
			assertThat(group.get("date")).isEqualTo(weighings.get(59).get("date"));
			assertThat((List<Map<String, Object>>) group.get("measures")).singleElement()
				.satisfies((measure) -> assertThat(measure).containsEntry("value", 65432).containsEntry("unit", -3));
		});
		assertThat(rows(body(getmeas(accessToken)), "measuregrps")).hasSize(60);
		List<Map<String, Object>> days = changedSince(accessToken, "getactivity", justBefore);
		assertThat(days).extracting((day) -> day.get("date"), (day) -> day.get("steps"))
			.containsExactly(org.assertj.core.groups.Tuple.tuple(today.minusDays(80).toString(), 4321),
					org.assertj.core.groups.Tuple.tuple(today.toString(), 1234));
		assertThat(rows(body(data("/v2/measure", accessToken, Map.of("action", "getactivity", "startdateymd",
				today.toString(), "enddateymd", today.toString()))), "activities"))
			.singleElement()
			.satisfies((day) -> assertThat(day).containsEntry("steps", 1234).containsEntry("distance", 863.8));
		assertThat(changedSince(accessToken, "getsummary", justBefore)).singleElement()
			.satisfies((night) -> assertThat(night)
				.containsEntry("enddate", (int) now.minus(Duration.ofMinutes(5)).getEpochSecond())
				.containsEntry("date", LocalDate.ofInstant(now.minus(Duration.ofMinutes(5)), SimulatorData.ZONE).toString()));
		assertThat(changedSince(accessToken, "getworkouts", justBefore)).singleElement()
			.satisfies((workout) -> assertThat(workout).containsEntry("category", 7));
		for (String action : List.of("getmeas", "getactivity", "getsummary", "getworkouts")) {
			for (Map<String, Object> row : changedSince(accessToken, action, justBefore)) {
				long modified = ((Number) row.get("modified")).longValue();
				assertThat(modified).as(action).isBetween(now.getEpochSecond(), after);
				// strictly after: a row modified at lastupdate is not returned
				assertThat(changedSince(accessToken, action, modified)).as(action).doesNotContain(row);
			}
		}
	}

	@Test
	void dataWhenLastUpdateOverPagesThenEveryChangedRowOnce() throws Exception {
		String accessToken = accessToken("user.metrics,user.activity");
		long lastUpdate = this.simulator.clock().instant().getEpochSecond();
		this.simulator.clock().advance(Duration.ofSeconds(1));
		LocalDate today = LocalDate.ofInstant(this.simulator.clock().instant(), SimulatorData.ZONE);
		for (int day = 0; day < 3; day++) {
			this.simulator.recordActivity("363", today.minusDays(day), 1000 + day);
			this.simulator.stepOnScale("363", 70 + day);
		}
		this.simulator.setPageSize(2);
		String since = Long.toString(lastUpdate);

		Map<String, Object> firstDays = body(
				data("/v2/measure", accessToken, Map.of("action", "getactivity", "lastupdate", since)));
		Map<String, Object> lastDays = body(data("/v2/measure", accessToken,
				Map.of("action", "getactivity", "lastupdate", since, "offset", "2")));
		Map<String, Object> firstGroups = body(getmeas(accessToken, Map.of("lastupdate", since)));
		Map<String, Object> lastGroups = body(getmeas(accessToken, Map.of("lastupdate", since, "offset", "2")));

		assertThat(firstDays).containsEntry("more", true).containsEntry("offset", 2);
		assertThat(lastDays).containsEntry("more", false).containsEntry("offset", 0);
		List<Object> steps = new java.util.ArrayList<>();
		rows(firstDays, "activities").forEach((day) -> steps.add(day.get("steps")));
		rows(lastDays, "activities").forEach((day) -> steps.add(day.get("steps")));
		assertThat(steps).containsExactly(1002, 1001, 1000);
		assertThat(firstGroups).containsEntry("more", 1).containsEntry("offset", 2);
		assertThat(lastGroups).containsEntry("more", 0).containsEntry("offset", 0);
		assertThat(rows(firstGroups, "measuregrps")).hasSize(2);
		assertThat(rows(lastGroups, "measuregrps")).hasSize(1);
	}

	@Test
	void heartListWhenRecordingRecordedThenSelectedByItsTimestampOnly() throws Exception {
		String accessToken = accessToken("user.activity");
		Instant recorded = this.simulator.clock().instant().minus(Duration.ofMinutes(30));
		long at = recorded.getEpochSecond();

		this.simulator.recordHeartRecording("363", recorded);

		List<Map<String, Object>> within = rows(body(data("/v2/heart", accessToken,
				Map.of("action", "list", "startdate", Long.toString(at), "enddate", Long.toString(at)))), "series");
		List<Map<String, Object>> after = rows(body(data("/v2/heart", accessToken, Map.of("action", "list",
				"startdate", Long.toString(at + 1), "enddate", Long.toString(at + 86_400)))), "series");
		assertThat(within).singleElement().satisfies((ecg) -> {
			assertThat(ecg).containsKeys("deviceid", "model", "ecg", "heart_rate").containsEntry("timestamp", (int) at)
				.doesNotContainKey("modified");
			assertThat(((Map<?, ?>) ecg.get("ecg")).get("signalid")).isNotNull();
		});
		assertThat(after).isEmpty();
	}

	@Test
	void recordWhenArgumentsImpossibleThenRefusedAndNothingRecorded() throws Exception {
		String accessToken = accessToken("user.metrics,user.activity");
		history(accessToken);
		this.simulator.clock().advance(Duration.ofMinutes(1));
		Instant now = this.simulator.clock().instant();
		LocalDate tomorrow = LocalDate.ofInstant(now, SimulatorData.ZONE).plusDays(1);

		assertThatIllegalArgumentException().isThrownBy(() -> this.simulator.recordActivity("363", tomorrow, 10));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.simulator.recordActivity("363", tomorrow.minusDays(1), -1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.simulator.recordSleep("363", now, now.minus(Duration.ofHours(1))));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.simulator.recordSleep("363", now.minus(Duration.ofHours(25)), now));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.simulator.recordWorkout("363", 1, now, now.plus(Duration.ofHours(1))));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.simulator.recordWorkout("363", 0, now.minus(Duration.ofHours(1)), now));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.simulator.recordHeartRecording("363", now.plus(Duration.ofMinutes(1))));
		assertThatIllegalArgumentException().isThrownBy(() -> this.simulator.changeMeasure("363", 42L, 70));
		assertThatIllegalArgumentException().isThrownBy(() -> this.simulator.dropNotifications("363", -1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.simulator.recordHeartRecording("alice", now.minus(Duration.ofMinutes(1))));

		for (String action : List.of("getmeas", "getactivity", "getsummary", "getworkouts")) {
			assertThat(changedSince(accessToken, action, now.getEpochSecond() - 1)).as(action).isEmpty();
		}
	}

	/** The rows of a {@code lastupdate} call of a data action (one page). */
	private List<Map<String, Object>> changedSince(String accessToken, String action, long lastUpdate)
			throws Exception {
		String since = Long.toString(lastUpdate);
		return switch (action) {
			case "getmeas" -> rows(body(getmeas(accessToken, Map.of("lastupdate", since))), "measuregrps");
			case "getactivity" -> rows(body(data("/v2/measure", accessToken, Map.of("action", action, "lastupdate",
					since))), "activities");
			case "getworkouts" -> rows(body(data("/v2/measure", accessToken, Map.of("action", action, "lastupdate",
					since))), "series");
			case "getsummary" -> rows(body(data("/v2/sleep", accessToken, Map.of("action", action, "lastupdate",
					since))), "series");
			default -> throw new IllegalArgumentException(action);
		};
	}

	/** Every data action's answer for the user, by action, in one map: the user's whole history. */
	private Map<String, Object> history(String accessToken) throws Exception {
		Map<String, Object> history = new LinkedHashMap<>();
		Map<String, Object> measures = new LinkedHashMap<>(body(getmeas(accessToken)));
		// the answer's own time, not the data's
		assertThat(measures.remove("updatetime")).isNotNull();
		history.put("getmeas", measures.get("measuregrps"));
		history.put("getactivity",
				body(data("/v2/measure", accessToken, Map.of("action", "getactivity", "lastupdate", "0"))).get("activities"));
		history.put("getworkouts",
				body(data("/v2/measure", accessToken, Map.of("action", "getworkouts", "lastupdate", "0"))).get("series"));
		history.put("getsummary",
				body(data("/v2/sleep", accessToken, Map.of("action", "getsummary", "lastupdate", "0"))).get("series"));
		history.put("list", body(data("/v2/heart", accessToken, Map.of("action", "list"))).get("series"));
		history.put("getdevice", body(data("/v2/user", accessToken, Map.of("action", "getdevice"))).get("devices"));
		return history;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> rows(Map<String, Object> body, String name) {
		assertThat(body.get(name)).isInstanceOf(List.class);
		return (List<Map<String, Object>>) body.get(name);
	}

	@Test
	@SuppressWarnings("unchecked")
	void sleepGetWhenDataFieldsThenSeriesAnArrayWithMapsKeyedByEpochStrings() throws Exception {
		String accessToken = accessToken("user.activity");

		Map<String, Object> withHr = body(data("/v2/sleep", accessToken,
				Map.of("action", "get", "startdate", "1764630000", "enddate", "1764633600", "data_fields", "hr")));
		Map<String, Object> without = body(data("/v2/sleep", accessToken,
				Map.of("action", "get", "startdate", "1764630000", "enddate", "1764633600")));

		assertThat((List<Map<String, Object>>) withHr.get("series")).hasSize(2).allSatisfy((segment) -> {
			assertThat(segment.get("model")).isInstanceOf(String.class);
			assertThat(segment.get("model_id")).isEqualTo(63);
			assertThat((Map<String, Object>) segment.get("hr")).containsKey(segment.get("startdate").toString());
			assertThat(segment).doesNotContainKeys("rr", "snoring");
		});
		assertThat((List<Map<String, Object>>) without.get("series")).allSatisfy(
				(segment) -> assertThat(segment).doesNotContainKeys("hr", "rr", "snoring"));
		assertThat(body(data("/v2/heart", accessToken, Map.of("action", "get", "signalid", "7"))).get("signal"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.hasSize(30);
	}

	@Test
	@SuppressWarnings("unchecked")
	void dataWhenV2ActionsThenRowsPagedWithBooleanMore() throws Exception {
		String accessToken = accessToken("user.activity");
		this.simulator.setPageSize(5);

		Map<String, Object> activity = body(
				data("/v2/measure", accessToken, Map.of("action", "getactivity", "lastupdate", "0")));
		Map<String, Object> sleep = body(data("/v2/sleep", accessToken,
				Map.of("action", "getsummary", "startdateymd", "2000-01-01", "enddateymd", "2100-01-01")));
		Map<String, Object> workouts = body(
				data("/v2/measure", accessToken, Map.of("action", "getworkouts", "lastupdate", "0", "offset", "15")));
		Map<String, Object> heart = body(data("/v2/heart", accessToken, Map.of("action", "list")));
		Map<String, Object> devices = body(data("/v2/user", accessToken, Map.of("action", "getdevice")));

		assertThat((List<Object>) activity.get("activities")).hasSize(5);
		assertThat(activity).containsEntry("more", true).containsEntry("offset", 5);
		assertThat((List<Object>) sleep.get("series")).hasSize(5);
		assertThat((List<Object>) workouts.get("series")).hasSizeLessThanOrEqualTo(5);
		assertThat(workouts).containsEntry("more", false).containsEntry("offset", 0);
		assertThat((List<Map<String, Object>>) heart.get("series")).isNotEmpty()
			.allSatisfy((row) -> assertThat(row).containsKeys("ecg", "heart_rate", "timestamp"));
		assertThat((List<Object>) devices.get("devices")).hasSize(2);
	}

	@Test
	void dataWhenParametersWrongThenStatus503() throws Exception {
		String accessToken = accessToken("user.metrics,user.activity");
		List<Map<String, String>> wrong = List.of(Map.of("action", "getactivity"),
				Map.of("action", "getactivity", "startdateymd", "2026-01-01"),
				Map.of("action", "getactivity", "startdateymd", "2026-01-01", "enddateymd", "2026-01-02", "lastupdate",
						"0"),
				Map.of("action", "getworkouts", "startdateymd", "01/01/2026", "enddateymd", "2026-01-02"),
				Map.of("action", "getworkouts", "lastupdate", "yesterday"),
				Map.of("action", "getactivity", "lastupdate", "0", "offset", "-1"));

		for (Map<String, String> form : wrong) {
			assertThat(data("/v2/measure", accessToken, form)).as(form.toString()).containsEntry("status", 503);
		}
		assertThat(getmeas(accessToken, Map.of("startdate", "0", "lastupdate", "0"))).containsEntry("status", 503);
		assertThat(getmeas(accessToken, Map.of("meastypes", "1,weight"))).containsEntry("status", 503);
		assertThat(getmeas(accessToken, Map.of("category", "3"))).containsEntry("status", 503);
		assertThat(data("/v2/sleep", accessToken, Map.of("action", "get", "startdate", "0"))).containsEntry("status", 503);
		assertThat(data("/v2/sleep", accessToken, Map.of("action", "get", "startdate", "0", "enddate", "90000")))
			.containsEntry("status", 503);
		assertThat(data("/v2/heart", accessToken, Map.of("action", "get"))).containsEntry("status", 503);
	}

	@Test
	void dataWhenScopeMissingThen214AndWhenUnknownActionThen2554AndWhenTokenBadThen401() throws Exception {
		String metricsOnly = accessToken("user.metrics");
		String activityOnly = accessToken("user.activity");

		assertThat(data("/v2/sleep", metricsOnly, Map.of("action", "getsummary", "lastupdate", "0")))
			.containsEntry("status", 214);
		assertThat(data("/v2/user", metricsOnly, Map.of("action", "getdevice"))).containsEntry("status", 214);
		assertThat(getmeas(activityOnly)).containsEntry("status", 214);
		assertThat(data("/v2/heart", activityOnly, Map.of("action", "getecg"))).containsEntry("status", 2554);
		assertThat(data("/v2/heart", "not-a-token", Map.of("action", "list"))).containsEntry("status", 401);
	}

	@Test
	void userIdWhenSwitchedToStringThenString() throws Exception {
		this.simulator.setUserIdAsString(true);

		assertThat(body(post("/v2/oauth2", secretCodeExchange(newCode(), REDIRECT_URI)))).containsEntry("userid", "363");
	}

	@Test
	void injectFaultWhenAfterProcessingThenTheRefreshRotatesButTheAnswerIsLost() throws Exception {
		String refresh = (String) body(post("/v2/oauth2", secretCodeExchange(newCode(), REDIRECT_URI)))
			.get("refresh_token");
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.httpStatus(502).afterProcessing());

		HttpResponse<String> lost = postRaw("/v2/oauth2", secretRefresh(refresh));

		assertThat(lost.statusCode()).isEqualTo(502);
		assertThat(lost.body()).doesNotContain("refresh_token");
		assertThat(this.simulator.refreshTokenState(refresh)).isEqualTo(RefreshTokenState.GRACE);
		assertThat(this.simulator.counters().refreshTokenGrants()).isEqualTo(1);
	}

	@Test
	void injectFaultWhenHoldThenTheWorkIsDoneBeforeTheAnswerIsReleased() throws Exception {
		String refresh = (String) body(post("/v2/oauth2", secretCodeExchange(newCode(), REDIRECT_URI)))
			.get("refresh_token");
		java.util.concurrent.CountDownLatch processed = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.hold(processed, release));

		java.util.concurrent.CompletableFuture<Map<String, Object>> answer = java.util.concurrent.CompletableFuture
			.supplyAsync(() -> {
				try {
					return post("/v2/oauth2", secretRefresh(refresh));
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});

		assertThat(processed.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		assertThat(this.simulator.refreshTokenState(refresh)).isEqualTo(RefreshTokenState.GRACE);
		assertThat(answer).isNotDone();
		release.countDown();
		assertThat(answer.get(30, java.util.concurrent.TimeUnit.SECONDS)).containsEntry("status", 0);
	}

	@Test
	void injectFaultWhenConnectionResetThenOnlyNextRequestFails() throws Exception {
		this.simulator.injectFault(SimulatorEndpoint.OAUTH2, SimulatorFault.connectionReset());

		assertThatException().isThrownBy(() -> post("/v2/oauth2", secretCodeExchange(newCode(), REDIRECT_URI)));
		assertThat(post("/v2/oauth2", secretCodeExchange(newCode(), REDIRECT_URI))).containsEntry("status", 0);
	}

	@Test
	void injectFaultWhenHttp500ThenHtml500() throws Exception {
		this.simulator.injectFault(SimulatorEndpoint.SIGNATURE, SimulatorFault.httpStatus(500));

		HttpResponse<String> response = postRaw("/v2/signature", Map.of("action", "getnonce"));

		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.body()).contains("<html>");
	}

	private String newCode() {
		return this.simulator.authorize(CLIENT_ID, REDIRECT_URI, "user.metrics");
	}

	private String nonce() throws Exception {
		String timestamp = Long.toString(System.currentTimeMillis() / 1000);
		Map<String, String> form = new LinkedHashMap<>();
		form.put("action", "getnonce");
		form.put("client_id", CLIENT_ID);
		form.put("timestamp", timestamp);
		form.put("signature", hmac(SECRET, "getnonce", CLIENT_ID, timestamp));
		return (String) body(post("/v2/signature", form)).get("nonce");
	}

	private Map<String, String> signedCodeExchange(String code, String nonce) {
		Map<String, String> form = codeExchange(code, REDIRECT_URI);
		form.put("nonce", nonce);
		form.put("signature", hmac(SECRET, "requesttoken", CLIENT_ID, nonce));
		return form;
	}

	private Map<String, String> secretCodeExchange(String code, String redirectUri) {
		Map<String, String> form = codeExchange(code, redirectUri);
		form.put("client_secret", SECRET);
		return form;
	}

	private static Map<String, String> codeExchange(String code, String redirectUri) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("action", "requesttoken");
		form.put("grant_type", "authorization_code");
		form.put("client_id", CLIENT_ID);
		form.put("code", code);
		form.put("redirect_uri", redirectUri);
		return form;
	}

	private static Map<String, String> secretRefresh(String refreshToken) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("action", "requesttoken");
		form.put("grant_type", "refresh_token");
		form.put("client_id", CLIENT_ID);
		form.put("client_secret", SECRET);
		form.put("refresh_token", refreshToken);
		return form;
	}

	private Map<String, Object> getmeas(String accessToken) throws Exception {
		return getmeas(accessToken, Map.of());
	}

	private Map<String, Object> getmeas(String accessToken, Map<String, String> parameters) throws Exception {
		Map<String, String> form = new LinkedHashMap<>(parameters);
		form.put("action", "getmeas");
		return data("/measure", accessToken, form);
	}

	/** A data call: {@code form} (with its {@code action}) and a bearer token. */
	@SuppressWarnings("unchecked")
	private Map<String, Object> data(String path, String accessToken, Map<String, String> form) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest
			.newBuilder(URI.create(this.simulator.baseUrl() + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", "Bearer " + accessToken)
			.POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return this.json.readValue(response.body(), Map.class);
	}

	private String accessToken(String scope) throws Exception {
		String code = this.simulator.authorize(CLIENT_ID, REDIRECT_URI, scope);
		return (String) body(post("/v2/oauth2", secretCodeExchange(code, REDIRECT_URI))).get("access_token");
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> post(String path, Map<String, String> form) throws Exception {
		HttpResponse<String> response = postRaw(path, form);
		assertThat(response.statusCode()).isEqualTo(200);
		return this.json.readValue(response.body(), Map.class);
	}

	private HttpResponse<String> postRaw(String path, Map<String, String> form) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String pathAndQuery) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + pathAndQuery)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> body(Map<String, Object> envelope) {
		assertThat(envelope).containsKey("body");
		return (Map<String, Object>) envelope.get("body");
	}

	private static String formBody(Map<String, String> form) {
		return form.entrySet().stream().map((entry) -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
			.collect(Collectors.joining("&"));
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String hmac(String secret, String... values) {
		return new HmacUtils(HmacAlgorithms.HMAC_SHA_256, secret).hmacHex(String.join(",", values));
	}

}
