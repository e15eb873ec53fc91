package io.github.springwithings.integration;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real HTTP client that behaves like a browser for our purposes: it keeps cookies and follows
 * redirects across hosts (the application and the simulator's consent page), and can send a
 * header to the application only (e.g. HTTP Basic credentials of a user logged in another way).
 */
public final class BrowserLikeClient {

	private final HttpClient httpClient = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	private final String appHost;

	private final Map<String, String> appHeaders;

	private final List<URI> visited = new ArrayList<>();

	public BrowserLikeClient(String appHost, Map<String, String> appHeaders) {
		this.appHost = appHost;
		this.appHeaders = appHeaders;
	}

	/**
	 * GET a URL and follow redirects (at most 10).
	 * @param url the URL
	 * @return the final response
	 */
	public HttpResponse<String> get(String url) throws IOException, InterruptedException {
		URI uri = URI.create(url);
		for (int hop = 0; hop < 10; hop++) {
			this.visited.add(uri);
			HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
			if (this.appHost.equals(uri.getHost())) {
				this.appHeaders.forEach(request::header);
			}
			HttpResponse<String> response = this.httpClient.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() / 100 != 3) {
				return response;
			}
			uri = uri.resolve(response.headers().firstValue("Location").orElseThrow());
		}
		throw new IllegalStateException("Too many redirects: " + this.visited);
	}

	/** Every URL requested so far, redirects included. */
	List<URI> visited() {
		return this.visited;
	}

}
