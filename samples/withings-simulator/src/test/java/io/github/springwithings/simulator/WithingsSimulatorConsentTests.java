package io.github.springwithings.simulator;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.common.Urls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Who consents (new users, a fixed id, named accounts), the consent form, user revocation and
 * reset, through the Java API and over HTTP.
 */
class WithingsSimulatorConsentTests {

	private static final String REDIRECT_URI = "https://app.example.org/callback";

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	private WithingsSimulator simulator;

	@BeforeEach
	void start() {
		this.simulator = WithingsSimulator.start();
	}

	@AfterEach
	void stop() {
		this.simulator.stop();
	}

	@Test
	void authorizeWhenNothingChosenThenANewSequentialUserEachTime() throws Exception {
		assertThat(userId(code(""))).isEqualTo("36000001");
		assertThat(userId(code(""))).isEqualTo("36000002");
	}

	@Test
	void authorizeWhenConsentAsAccountOrLoginHintThenItsStableUserId() throws Exception {
		this.simulator.consentAs("Alice");

		String first = userId(code(""));
		String second = userId(code(""));
		String bob = userId(code("&login_hint=bob"));

		assertThat(first).isEqualTo(second).isEqualTo(this.simulator.accountUserId("alice"));
		assertThat(bob).isEqualTo(this.simulator.accountUserId("bob")).isNotEqualTo(first);
		this.simulator.setConsentingUserId("363");
		assertThat(userId(code(""))).isEqualTo("363");
		assertThat(userId(code("&login_hint=alice"))).isEqualTo(first);
		this.simulator.consentAsNewUsers();
		assertThat(userId(code(""))).startsWith("3600000");
		assertThatIllegalArgumentException().isThrownBy(() -> this.simulator.consentAs(" "));
	}

	@Test
	void consentFormWhenPostedThenSameChecksAsTheRedirect() throws Exception {
		this.simulator.setConsentPage(true);
		String ticket = ticket(authorize(""));

		HttpResponse<String> noDecision = post(SimulatorEndpoint.AUTHORIZE.path(), Map.of("ticket", ticket, "account", "x"));
		HttpResponse<String> forged = post(SimulatorEndpoint.AUTHORIZE.path(),
				Map.of("ticket", "forged", "account", "", "decision", "allow"));
		HttpResponse<String> allowed = post(SimulatorEndpoint.AUTHORIZE.path(),
				Map.of("ticket", ticket, "account", "", "decision", "allow"));
		HttpResponse<String> replayed = post(SimulatorEndpoint.AUTHORIZE.path(),
				Map.of("ticket", ticket, "account", "", "decision", "allow"));

		assertThat(noDecision.statusCode()).isEqualTo(400);
		assertThat(forged.statusCode()).isEqualTo(400);
		assertThat(replayed.statusCode()).isEqualTo(400);
		String code = Urls.splitQueryFromUrl(allowed.headers().firstValue("Location").orElseThrow())
			.get("code")
			.firstValue();
		assertThat(exchange(code, "https://evil.example.org/callback")).containsEntry("status", 503);
		this.simulator.clock().advance(Duration.ofSeconds(11));
		assertThat(exchange(code, REDIRECT_URI)).containsEntry("status", 0);
		assertThat(this.simulator.counters().authorizationCodeGrants()).isEqualTo(2);

		String late = ticket(authorize(""));
		this.simulator.clock().advance(Duration.ofMinutes(11));
		assertThat(post(SimulatorEndpoint.AUTHORIZE.path(), Map.of("ticket", late, "account", "", "decision", "allow"))
			.statusCode()).isEqualTo(400);
	}

	@Test
	void consentFormWhenShownThenEscapedAndInvalidRequestsStillRefusedWithoutAForm() throws Exception {
		this.simulator.setConsentPage(true);
		this.simulator.consentAs("carol");

		HttpResponse<String> page = authorize("&state=%3Cscript%3E");
		HttpResponse<String> badScope = http(HttpRequest.newBuilder(URI.create(this.simulator.baseUrl()
				+ "/oauth2_user/authorize2?response_type=code&client_id=" + WithingsSimulator.DEFAULT_CLIENT_ID
				+ "&redirect_uri=" + encode(REDIRECT_URI) + "&scope=user.metrics%20user.activity&state=s"))
			.build());

		assertThat(page.body()).contains("value=\"carol\"").doesNotContain("<script>");
		assertThat(badScope.statusCode()).isEqualTo(400);
		assertThat(badScope.body()).doesNotContain("<form");
		this.simulator.setDenyConsent(true);
		assertThat(authorize("").headers().firstValue("Location")).hasValue(REDIRECT_URI + "?error=access_denied&state=xyz");
	}

	@Test
	void revokeUserWhenTokensIssuedThenAllOfThemAreRefusedAndPendingCodesVoid() throws Exception {
		this.simulator.consentAs("dave");
		Map<String, Object> first = body(exchange(code(""), REDIRECT_URI));
		Map<String, Object> second = body(exchange(code(""), REDIRECT_URI));
		String pending = code("");
		String userId = this.simulator.accountUserId("dave");

		assertThat(this.simulator.revokeUser(userId)).isTrue();

		assertThat(this.simulator.refreshTokenState((String) first.get("refresh_token"))).isEqualTo(RefreshTokenState.DEAD);
		assertThat(this.simulator.refreshTokenState((String) second.get("refresh_token"))).isEqualTo(RefreshTokenState.DEAD);
		assertThat(getmeas((String) second.get("access_token"))).containsEntry("status", 401);
		assertThat(exchange(pending, REDIRECT_URI)).containsEntry("error", "Invalid Params: invalid code");
		assertThat(this.simulator.revokeUser("999")).isFalse();
		assertThat(this.simulator.counters().revocations()).isZero();
	}

	@Test
	void resetWhenUsedThenTokensCountersFaultsClockAndChoicesAreBackToStart() throws Exception {
		this.simulator.consentAs("erin");
		this.simulator.setUserIdAsString(true);
		this.simulator.setConsentPage(true);
		this.simulator.setDenyConsent(true);
		this.simulator.setDenyConsent(false);
		Map<String, Object> tokens = body(exchange(this.simulator.authorize(WithingsSimulator.DEFAULT_CLIENT_ID,
				REDIRECT_URI, "user.metrics"), REDIRECT_URI));
		this.simulator.clock().advance(Duration.ofHours(1));
		this.simulator.injectFault(SimulatorEndpoint.MEASURE, SimulatorFault.nonJson());

		this.simulator.reset();

		assertThat(this.simulator.wireMock().getAllServeEvents()).isEmpty();
		assertThat(this.simulator.clock().offset()).isZero();
		assertThat(this.simulator.counters().authorizationCodeGrants()).isZero();
		assertThat(this.simulator.refreshTokenState((String) tokens.get("refresh_token")))
			.isEqualTo(RefreshTokenState.UNKNOWN);
		assertThat(getmeas((String) tokens.get("access_token"))).containsEntry("status", 401);
		assertThat(authorize("").statusCode()).isEqualTo(302);
		assertThat(body(exchange(code(""), REDIRECT_URI)).get("userid")).isInstanceOf(Number.class)
			.isNotEqualTo(Long.valueOf(this.simulator.accountUserId("erin")));
	}

	private HttpResponse<String> authorize(String extraQuery) throws Exception {
		String query = "?response_type=code&client_id=" + WithingsSimulator.DEFAULT_CLIENT_ID + "&redirect_uri="
				+ encode(REDIRECT_URI) + "&scope=user.metrics"
				+ (extraQuery.contains("state=") ? "" : "&state=xyz") + extraQuery;
		return http(HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + "/oauth2_user/authorize2" + query))
			.build());
	}

	private String code(String extraQuery) throws Exception {
		HttpResponse<String> response = authorize(extraQuery);
		assertThat(response.statusCode()).isEqualTo(302);
		return Urls.splitQueryFromUrl(response.headers().firstValue("Location").orElseThrow()).get("code").firstValue();
	}

	private static String ticket(HttpResponse<String> page) {
		assertThat(page.statusCode()).isEqualTo(200);
		Matcher matcher = Pattern.compile("name=\"ticket\" value=\"([0-9a-f]+)\"").matcher(page.body());
		assertThat(matcher.find()).isTrue();
		return matcher.group(1);
	}

	private String userId(String code) throws Exception {
		return String.valueOf(body(exchange(code, REDIRECT_URI)).get("userid"));
	}

	private Map<String, Object> exchange(String code, String redirectUri) throws Exception {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("action", "requesttoken");
		form.put("grant_type", "authorization_code");
		form.put("client_id", WithingsSimulator.DEFAULT_CLIENT_ID);
		form.put("client_secret", WithingsSimulator.DEFAULT_CLIENT_SECRET);
		form.put("code", code);
		form.put("redirect_uri", redirectUri);
		return json(post("/v2/oauth2", form));
	}

	private Map<String, Object> getmeas(String accessToken) throws Exception {
		return json(http(HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + "/measure"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", "Bearer " + accessToken)
			.POST(HttpRequest.BodyPublishers.ofString("action=getmeas"))
			.build()));
	}

	private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
		String body = form.entrySet()
			.stream()
			.map((entry) -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
			.collect(Collectors.joining("&"));
		return http(HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	private HttpResponse<String> http(HttpRequest request) throws Exception {
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> json(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(200);
		return this.json.readValue(response.body(), Map.class);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> body(Map<String, Object> envelope) {
		assertThat(envelope).containsEntry("status", 0);
		return (Map<String, Object>) envelope.get("body");
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
