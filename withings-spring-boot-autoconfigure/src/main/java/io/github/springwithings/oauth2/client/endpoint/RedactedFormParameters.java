package io.github.springwithings.oauth2.client.endpoint;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.util.MultiValueMap;

/**
 * Keeps secret form parameters (client secret, nonce, signature, code, refresh token) out of
 * logs. Spring's {@code RestClient} logs request bodies at DEBUG with their {@code toString()};
 * Withings wants these values in the body. So the form handed to the {@code RestClient} carries
 * opaque placeholders, and an interceptor (which sees the encoded bytes, after any logging) puts
 * the real values back just before the request is sent. Placeholders live in a thread-local,
 * since a blocking {@code RestClient} encodes and sends on the caller's thread.
 */
final class RedactedFormParameters {

	static final Set<String> SECRET_NAMES = Set.of("client_secret", "nonce", "signature", "code", "refresh_token",
			"code_verifier");

	private static final String PREFIX = "withings-redacted-";

	private static final ThreadLocal<Map<String, String>> placeholders = ThreadLocal.withInitial(HashMap::new);

	private RedactedFormParameters() {
	}

	/**
	 * Replace the secret values of a form by placeholders (in place).
	 * @param form the form
	 */
	static void redact(MultiValueMap<String, String> form) {
		Map<String, String> current = placeholders.get();
		current.clear();
		for (String name : SECRET_NAMES) {
			List<String> values = form.get(name);
			if (values != null) {
				for (int i = 0; i < values.size(); i++) {
					String placeholder = PREFIX + UUID.randomUUID().toString().replace("-", "");
					current.put(placeholder, URLEncoder.encode(values.get(i), StandardCharsets.UTF_8));
					values.set(i, placeholder);
				}
			}
		}
	}

	/**
	 * The interceptor that puts the real values back into the encoded body.
	 * @return the interceptor
	 */
	static ClientHttpRequestInterceptor restoring() {
		return (request, body, execution) -> {
			Map<String, String> current = placeholders.get();
			if (current.isEmpty()) {
				return execution.execute(request, body);
			}
			String form = new String(body, StandardCharsets.UTF_8);
			for (Map.Entry<String, String> placeholder : current.entrySet()) {
				form = form.replace(placeholder.getKey(), placeholder.getValue());
			}
			current.clear();
			return execution.execute(request, form.getBytes(StandardCharsets.UTF_8));
		};
	}

}
