package io.github.springwithings.simulator;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.common.Urls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The standalone command, run as users run it (its {@code main} in a JVM of its own, port 0),
 * driven over HTTP only: what it prints, the admin API under {@code /__admin/withings}, the
 * consent form, and how it stops.
 */
class WithingsSimulatorApplicationTests {

	private static final String REDIRECT_URI = "http://localhost:8080/login/oauth2/code/withings";

	private static final Pattern BASE_URL = Pattern.compile("^  base URL +(http://127\\.0\\.0\\.1:\\d+)$");

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static StandaloneSimulator command;

	private static String baseUrl;

	private static String clientId;

	private static String clientSecret;

	@BeforeAll
	static void startCommand() throws Exception {
		command = StandaloneSimulator.start("--port=0");
		baseUrl = baseUrl(command);
		clientId = command.awaitLine("  client id ").substring("  client id ".length()).strip();
		clientSecret = command.awaitLine("  client secret ").substring("  client secret ".length()).strip();
		command.awaitLine("withings.account-base-uri=");
	}

	@AfterAll
	static void stopCommand() throws Exception {
		command.close();
	}

	@AfterEach
	void reset() throws Exception {
		assertThat(admin("POST", "/reset", null).statusCode()).isEqualTo(200);
	}

	@Test
	void mainWhenStartedThenPrintsBaseUrlCredentialsAdminApiAndPropertiesToPaste() {
		assertThat(clientId).isEqualTo(WithingsSimulator.DEFAULT_CLIENT_ID);
		assertThat(clientSecret).isEqualTo(WithingsSimulator.DEFAULT_CLIENT_SECRET);
		assertThat(command.output()).contains("  admin API      " + baseUrl + "/__admin/withings (e.g. curl " + baseUrl
				+ "/__admin/withings/state)", "  stop           Ctrl-C, or curl -X POST " + baseUrl + "/__admin/shutdown",
				"spring.security.oauth2.client.registration.withings.client-id=simulator-client-id",
				"spring.security.oauth2.client.registration.withings.client-secret=simulator-client-secret",
				"withings.api-base-uri=" + baseUrl, "withings.account-base-uri=" + baseUrl);
	}

	@Test
	void stateWhenTokensIssuedAndDataReadThenCountersClockAndConsentOverHttp() throws Exception {
		consentImmediately();
		Map<String, Object> tokens = exchange(code(""));
		getmeas((String) tokens.get("access_token"));

		Map<String, Object> state = json(admin("GET", "/state", null));

		assertThat(state).containsEntry("baseUrl", baseUrl).containsEntry("faults", Map.of());
		assertThat(map(state, "counters")).containsEntry("authorizationCodeGrants", 1)
			.containsEntry("dataRequests", 1)
			.containsEntry("refreshTokenGrants", 0)
			.containsEntry("unauthorizedDataRequests", 0);
		assertThat(map(state, "clock")).containsEntry("offset", "PT0S").containsKey("instant");
		assertThat(map(state, "consent")).containsEntry("mode", "new-user").containsEntry("page", false);
	}

	@Test
	void advanceClockWhenPastAccessTokenLifetimeThenTheTokenIsRefused() throws Exception {
		consentImmediately();
		String accessToken = (String) exchange(code("")).get("access_token");

		Map<String, Object> advanced = json(admin("POST", "/clock/advance", "{\"seconds\":10800}"));
		Map<String, Object> again = json(admin("POST", "/clock/advance", "{\"duration\":\"PT1H\"}"));

		assertThat(map(advanced, "clock")).containsEntry("offsetSeconds", 10800).containsEntry("offset", "PT3H");
		assertThat(map(again, "clock")).containsEntry("offsetSeconds", 14400);
		assertThat(getmeas(accessToken)).containsEntry("status", 401);
		assertThat(admin("POST", "/clock/advance", "{\"seconds\":-5}").statusCode()).isEqualTo(400);
		assertThat(admin("POST", "/clock/advance", "{}").statusCode()).isEqualTo(400);
	}

	@Test
	void injectFaultWhenTwiceThenTheNextTwoRequestsFailAndDeleteClearsTheRest() throws Exception {
		Map<String, Object> queued = json(admin("POST", "/faults",
				"{\"endpoint\":\"/v2/oauth2\",\"type\":\"httpStatus\",\"status\":502,\"times\":2}"));
		admin("POST", "/faults", "{\"endpoint\":\"MEASURE\",\"type\":\"tooManyRequests\",\"waitSeconds\":188}");

		assertThat(queued).containsEntry("faults", Map.of("OAUTH2", 2));
		assertThat(post("/v2/oauth2", Map.of("action", "requesttoken")).statusCode()).isEqualTo(502);
		assertThat(post("/v2/oauth2", Map.of("action", "requesttoken")).statusCode()).isEqualTo(502);
		Map<String, Object> rateLimited = json(post("/measure", Map.of("action", "getmeas")));
		assertThat(rateLimited).containsEntry("status", 601);
		assertThat(map(rateLimited, "body")).containsEntry("wait_seconds", 188);

		admin("POST", "/faults", "{\"endpoint\":\"signature\",\"type\":\"connectionReset\"}");
		assertThat(json(admin("GET", "/state", null))).containsEntry("faults", Map.of("SIGNATURE", 1));
		assertThat(json(admin("DELETE", "/faults", null))).containsEntry("faults", Map.of());
		assertThat(json(admin("GET", "/state", null))).containsEntry("faults", Map.of());
		assertThat(admin("POST", "/faults", "{\"endpoint\":\"MEASURE\",\"type\":\"meteor\"}").statusCode())
			.isEqualTo(400);
		assertThat(admin("POST", "/faults", "{\"endpoint\":\"/nowhere\",\"type\":\"nonJson\"}").statusCode())
			.isEqualTo(400);
	}

	@Test
	void revokeUserWhenTheUserRemovesTheAppThenItsTokensAreRefused() throws Exception {
		consentImmediately();
		Map<String, Object> tokens = exchange(code("&login_hint=dave"));
		String userId = String.valueOf(tokens.get("userid"));

		HttpResponse<String> revoked = admin("POST", "/users/" + userId + "/revoke", null);

		assertThat(json(revoked)).containsEntry("userId", userId).containsEntry("revoked", true);
		assertThat(getmeas((String) tokens.get("access_token"))).containsEntry("status", 401);
		assertThat(json(post("/v2/oauth2", refresh((String) tokens.get("refresh_token"))))).containsEntry("status", 503)
			.containsEntry("error", "Invalid Params: invalid refresh_token");
		assertThat(admin("POST", "/users/12345/revoke", null).statusCode()).isEqualTo(404);
	}

	@Test
	void consentWhenSameAccountTwiceThenSameUserIdAndByDefaultANewUserEachTime() throws Exception {
		consentImmediately();
		Map<String, Object> asAlice = json(admin("POST", "/consent", "{\"account\":\"alice\"}"));
		Object first = exchange(code("")).get("userid");
		Object second = exchange(code("")).get("userid");
		Object hinted = exchange(code("&login_hint=Alice")).get("userid");
		Map<String, Object> alice = json(admin("GET", "/accounts/alice", null));

		assertThat(map(asAlice, "consent")).containsEntry("mode", "account").containsEntry("account", "alice");
		assertThat(second).isEqualTo(first).isEqualTo(hinted);
		assertThat(alice).containsEntry("userId", String.valueOf(first));
		assertThat(Long.parseLong(String.valueOf(first))).isBetween(50_000_000L, 89_999_999L);

		admin("POST", "/consent", "{\"newUser\":true}");
		Object newUser = exchange(code("")).get("userid");
		Object otherNewUser = exchange(code("")).get("userid");
		assertThat(newUser).isNotEqualTo(otherNewUser).isNotEqualTo(first);

		admin("POST", "/consent", "{\"userId\":\"363\"}");
		assertThat(exchange(code("")).get("userid")).isEqualTo(363);
		assertThat(admin("POST", "/consent", "{\"account\":\"a\",\"userId\":\"1\"}").statusCode()).isEqualTo(400);
	}

	@Test
	void consentPageWhenAllowThenRedirectWithCodeAndWhenDenyThenAccessDenied() throws Exception {
		HttpResponse<String> page = authorize("&login_hint=erin");

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.body()).contains("<form method=\"post\" action=\"/oauth2_user/authorize2\">",
				"name=\"account\" value=\"erin\"", "value=\"allow\"", "value=\"deny\"");
		String ticket = ticket(page);

		HttpResponse<String> allowed = post("/oauth2_user/authorize2",
				Map.of("ticket", ticket, "account", "Frank", "decision", "allow"));

		String location = allowed.headers().firstValue("Location").orElseThrow();
		assertThat(allowed.statusCode()).isEqualTo(302);
		assertThat(location).startsWith(REDIRECT_URI + "?code=").endsWith("&state=xyz");
		String code = Urls.splitQueryFromUrl(location).get("code").firstValue();
		assertThat(String.valueOf(exchange(code).get("userid")))
			.isEqualTo(json(admin("GET", "/accounts/frank", null)).get("userId"));
		assertThat(post("/oauth2_user/authorize2", Map.of("ticket", ticket, "account", "", "decision", "allow"))
			.statusCode()).isEqualTo(400);

		HttpResponse<String> denied = post("/oauth2_user/authorize2",
				Map.of("ticket", ticket(authorize("")), "account", "", "decision", "deny"));

		assertThat(denied.headers().firstValue("Location")).hasValue(REDIRECT_URI + "?error=access_denied&state=xyz");
	}

	@Test
	void resetWhenStateChangedThenAFreshSimulator() throws Exception {
		consentImmediately();
		admin("POST", "/consent", "{\"account\":\"gina\",\"deny\":false}");
		String accessToken = (String) exchange(code("")).get("access_token");
		admin("POST", "/clock/advance", "{\"seconds\":60}");
		admin("POST", "/faults", "{\"endpoint\":\"MEASURE\",\"type\":\"emptyBody\"}");

		Map<String, Object> state = json(admin("POST", "/reset", null));

		assertThat(map(state, "counters")).allSatisfy((name, value) -> assertThat(value).as(name).isEqualTo(0));
		assertThat(map(state, "clock")).containsEntry("offsetSeconds", 0);
		assertThat(state).containsEntry("faults", Map.of());
		assertThat(map(state, "consent")).containsEntry("mode", "new-user")
			.containsEntry("page", true)
			.containsEntry("deny", false);
		assertThat(getmeas(accessToken)).containsEntry("status", 401);
	}

	@Test
	void startWhenUnknownOptionThenUsageAndWhenHelpThenNoSimulator() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();

		assertThatIllegalArgumentException()
			.isThrownBy(() -> WithingsSimulatorApplication.start(new String[] { "--prot=1" }, System.out))
			.withMessage("Unknown option: --prot");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> WithingsSimulatorApplication.start(new String[] { "--client-id=x" }, System.out))
			.withMessage("--client-id and --client-secret go together");
		assertThat(WithingsSimulatorApplication.start(new String[] { "--help" }, new PrintStream(out))).isNull();
		assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: ");
	}

	@Test
	void shutdownWhenAdminEndpointCalledThenMainReturnsAndTheJvmExits() throws Exception {
		try (StandaloneSimulator other = StandaloneSimulator.start("--port=0", "--auto-approve",
				"--client-id=my-app", "--client-secret=my-secret")) {
			String otherBaseUrl = baseUrl(other);
			other.awaitLine("spring.security.oauth2.client.registration.withings.client-id=my-app");

			HttpResponse<String> shutdown = http.send(HttpRequest.newBuilder(URI.create(otherBaseUrl + "/__admin/shutdown"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());

			assertThat(shutdown.statusCode()).isEqualTo(200);
			assertThat(other.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(other.process().exitValue()).isZero();
			assertThat(other.awaitLine(WithingsSimulatorApplication.STOPPED)).isNotNull();
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> http.send(
					HttpRequest.newBuilder(URI.create(otherBaseUrl + "/__admin/withings/state")).build(),
					HttpResponse.BodyHandlers.ofString()));
		}
	}

	@Test
	void mainWhenTerminatedLikeCtrlCThenTheSimulatorStops() throws Exception {
		try (StandaloneSimulator other = StandaloneSimulator.start("--port=0")) {
			baseUrl(other);
			other.awaitLine("withings.account-base-uri=");

			// SIGTERM, as Ctrl-C's SIGINT, without closing the streams as Process.destroy() does
			assertThat(other.process().toHandle().destroy()).isTrue();

			assertThat(other.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(other.awaitLine(WithingsSimulatorApplication.STOPPED)).isNotNull();
		}
	}

	// --- over HTTP --------------------------------------------------------------------------------

	private static String baseUrl(StandaloneSimulator simulator) throws InterruptedException {
		Matcher matcher = BASE_URL.matcher(simulator.awaitLine("  base URL "));
		assertThat(matcher.matches()).isTrue();
		return matcher.group(1);
	}

	private static void consentImmediately() throws Exception {
		assertThat(admin("POST", "/consent", "{\"page\":false}").statusCode()).isEqualTo(200);
	}

	private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
		HttpRequest.BodyPublisher publisher = (body != null) ? HttpRequest.BodyPublishers.ofString(body)
				: HttpRequest.BodyPublishers.noBody();
		return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/__admin/withings" + path))
			.header("Content-Type", "application/json")
			.method(method, publisher)
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> authorize(String extraQuery) throws Exception {
		return http.send(HttpRequest
			.newBuilder(URI.create(baseUrl + "/oauth2_user/authorize2?response_type=code&client_id=" + clientId
					+ "&redirect_uri=" + encode(REDIRECT_URI) + "&scope=user.metrics&state=xyz" + extraQuery))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String code(String extraQuery) throws Exception {
		HttpResponse<String> response = authorize(extraQuery);
		assertThat(response.statusCode()).isEqualTo(302);
		return Urls.splitQueryFromUrl(response.headers().firstValue("Location").orElseThrow()).get("code").firstValue();
	}

	private static String ticket(HttpResponse<String> page) {
		Matcher matcher = Pattern.compile("name=\"ticket\" value=\"([0-9a-f]+)\"").matcher(page.body());
		assertThat(matcher.find()).isTrue();
		return matcher.group(1);
	}

	private static Map<String, Object> exchange(String code) throws Exception {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("action", "requesttoken");
		form.put("grant_type", "authorization_code");
		form.put("client_id", clientId);
		form.put("client_secret", clientSecret);
		form.put("code", code);
		form.put("redirect_uri", REDIRECT_URI);
		Map<String, Object> envelope = json(post("/v2/oauth2", form));
		assertThat(envelope).containsEntry("status", 0);
		return map(envelope, "body");
	}

	private static Map<String, String> refresh(String refreshToken) {
		return Map.of("action", "requesttoken", "grant_type", "refresh_token", "client_id", clientId, "client_secret",
				clientSecret, "refresh_token", refreshToken);
	}

	private static Map<String, Object> getmeas(String accessToken) throws Exception {
		return json(http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/measure"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", "Bearer " + accessToken)
			.POST(HttpRequest.BodyPublishers.ofString("action=getmeas"))
			.build(), HttpResponse.BodyHandlers.ofString()));
	}

	private static HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
		String body = form.entrySet()
			.stream()
			.map((entry) -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
			.collect(Collectors.joining("&"));
		return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> json(HttpResponse<String> response) {
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/json"));
		return json.readValue(response.body(), Map.class);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Map<String, Object> json, String name) {
		assertThat(json.get(name)).isInstanceOf(Map.class);
		return (Map<String, Object>) json.get(name);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
