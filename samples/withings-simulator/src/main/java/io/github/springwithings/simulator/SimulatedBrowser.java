package io.github.springwithings.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser without a window, for tests of an application that signs its users in with Withings,
 * pointed at the simulator: it keeps cookies (the application's session) and walks the sign-in
 * redirects, from the application through the simulator's consent page (as a named account, or
 * approving its form) and back to the application's callback. Afterwards its requests carry the
 * session, so the test reads the application's pages as the signed-in user.
 *
 * <pre class="code">
 * String app = "http://localhost:" + port;
 * SimulatedBrowser browser = new SimulatedBrowser();
 * HttpResponse&lt;String&gt; dashboard = browser.signIn(app + "/oauth2/authorization/withings", "alice");
 * HttpResponse&lt;String&gt; page = browser.get(app + "/dashboard");
 * </pre>
 *
 * It works with a simulator in the same JVM or in another process; only HTTP is used. Not
 * thread-safe: one browser is one user.
 */
public final class SimulatedBrowser {

	private static final int MAX_REDIRECTS = 20;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final Pattern TICKET = Pattern
		.compile("name=\"" + ConsentPage.TICKET + "\" value=\"([^\"]*)\"");

	private final HttpClient http;

	/** A browser with no cookies yet. */
	public SimulatedBrowser() {
		this.http = HttpClient.newBuilder()
			.cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(10))
			.build();
	}

	/**
	 * Sign in: {@code GET} the application's authorization URI (with Spring Security,
	 * {@code /oauth2/authorization/{registrationId}}) and follow every redirect. On the
	 * simulator's consent page, {@code account} consents (a {@code login_hint}, or typed into the
	 * form, whose Allow is clicked); {@code null} leaves the choice to the simulator (a new user,
	 * by default).
	 * @param authorizationUri the application's URI that starts the sign-in
	 * @param account the simulated account that consents, or {@code null}
	 * @return the application's first answer that is not a redirect (e.g. the page shown after
	 * sign-in); its {@link HttpResponse#uri() uri()} says where the browser ended
	 * @throws IllegalStateException when the simulator refuses the authorization request (unknown
	 * client, bad scope, ...) or the redirects do not end
	 */
	public HttpResponse<String> signIn(String authorizationUri, String account) {
		WithingsSimulator.requireText(authorizationUri, "authorizationUri");
		return signIn(URI.create(authorizationUri), account);
	}

	/**
	 * Sign in, as {@link #signIn(String, String)}.
	 * @param authorizationUri the application's URI that starts the sign-in
	 * @param account the simulated account that consents, or {@code null}
	 * @return the application's first answer that is not a redirect
	 */
	public HttpResponse<String> signIn(URI authorizationUri, String account) {
		WithingsSimulator.requireNonNull(authorizationUri, "authorizationUri");
		if (account != null) {
			SimulatorAccounts.normalize(account);
		}
		HttpRequest request = getRequest(authorizationUri);
		for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
			HttpResponse<String> response = send(request);
			boolean consentPage = SimulatorEndpoint.AUTHORIZE.path().equals(response.uri().getPath());
			if (consentPage && response.statusCode() == 200) {
				request = allow(response, account);
				continue;
			}
			if (consentPage && response.statusCode() >= 400) {
				throw new IllegalStateException("The simulator refused the authorization request "
						+ response.uri() + " (HTTP " + response.statusCode() + "): " + response.body());
			}
			String location = response.headers().firstValue("Location").orElse(null);
			if (response.statusCode() / 100 != 3 || location == null) {
				return response;
			}
			URI next = response.uri().resolve(location);
			if (account != null && SimulatorEndpoint.AUTHORIZE.path().equals(next.getPath())
					&& (next.getRawQuery() == null || !next.getRawQuery().contains("login_hint="))) {
				next = URI.create(next + ((next.getRawQuery() != null) ? "&" : "?") + "login_hint=" + encode(account));
			}
			request = getRequest(next);
		}
		throw new IllegalStateException("More than " + MAX_REDIRECTS + " redirects from " + authorizationUri);
	}

	/**
	 * {@code GET} a page with this browser's cookies, without following redirects.
	 * @param uri the absolute URI
	 * @return the answer
	 */
	public HttpResponse<String> get(String uri) {
		WithingsSimulator.requireText(uri, "uri");
		return get(URI.create(uri));
	}

	/**
	 * {@code GET} a page with this browser's cookies, without following redirects.
	 * @param uri the absolute URI
	 * @return the answer
	 */
	public HttpResponse<String> get(URI uri) {
		WithingsSimulator.requireNonNull(uri, "uri");
		return send(getRequest(uri));
	}

	/**
	 * The HTTP client behind this browser (its cookies, no redirects followed), for other
	 * requests as the signed-in user.
	 * @return the client
	 */
	public HttpClient httpClient() {
		return this.http;
	}

	private HttpRequest allow(HttpResponse<String> consentPage, String account) {
		Matcher ticket = TICKET.matcher(consentPage.body());
		if (!ticket.find()) {
			throw new IllegalStateException("No consent form at " + consentPage.uri() + ": " + consentPage.body());
		}
		String form = ConsentPage.TICKET + "=" + encode(ticket.group(1)) + "&" + ConsentPage.ACCOUNT + "="
				+ encode((account != null) ? account : "") + "&" + ConsentPage.DECISION + "=allow";
		URI action = consentPage.uri().resolve(SimulatorEndpoint.AUTHORIZE.path());
		return HttpRequest.newBuilder(action)
			.timeout(TIMEOUT)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build();
	}

	private static HttpRequest getRequest(URI uri) {
		return HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "text/html,*/*").GET().build();
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Request to " + request.uri() + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted during a request to " + request.uri(), ex);
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
