package io.github.springwithings.oauth2.client.endpoint;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * Keeps secret form parameters (client secret, nonce, signature, code, refresh token) out of
 * logs. Spring's {@code RestClient} logs request bodies at DEBUG with their {@code toString()};
 * Withings wants these values in the body. So the form handed to the {@code RestClient} carries
 * opaque placeholders, and an interceptor (which sees the encoded bytes, after any logging) puts
 * the real values back just before the request is sent. Placeholders live in a thread-local,
 * since a blocking {@code RestClient} encodes and sends on the caller's thread.
 *
 * <p>It fails closed: a body that still holds a placeholder after restoring (restored on another
 * thread, lost, or unknown) is never sent; the request fails with
 * {@link PlaceholderNotRestoredException}. The thread-local is emptied by the restoring
 * interceptor whatever happens, and by the calling code ({@link #clear()} in a {@code finally})
 * for when an outer interceptor fails before the restoring one runs.
 */
final class RedactedFormParameters {

	static final Set<String> SECRET_NAMES = Set.of("client_secret", "nonce", "signature", "code", "refresh_token",
			"code_verifier");

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private static final String PREFIX = "withings-redacted-";

	private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);

	private static final ThreadLocal<Map<String, String>> placeholders = new ThreadLocal<>();

	private RedactedFormParameters() {
	}

	/**
	 * Replace the secret values of a form by placeholders (in place), forgetting the placeholders
	 * of any earlier form of this thread.
	 * @param form the form
	 */
	static void redact(MultiValueMap<String, String> form) {
		Map<String, String> current = new HashMap<>();
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
		if (current.isEmpty()) {
			placeholders.remove();
		}
		else {
			placeholders.set(current);
		}
	}

	/**
	 * Forget the placeholders of this thread (the secrets they stand for). Call it in a
	 * {@code finally} after every exchange of a redacted form.
	 */
	static void clear() {
		placeholders.remove();
	}

	/**
	 * POST a form whose secrets are redacted for logging and restored just before sending, and
	 * read the JSON answer; the thread holds no secret afterwards, whatever happens.
	 * @param restClient a client with the {@link #restoring() restoring} interceptor
	 * @param uri the URI
	 * @param form the form (its secret values are replaced by placeholders)
	 * @return the JSON object answered
	 */
	static Map<String, Object> post(RestClient restClient, String uri, MultiValueMap<String, String> form) {
		try {
			redact(form);
			return restClient.post()
				.uri(uri)
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.accept(MediaType.APPLICATION_JSON)
				.body(form)
				.retrieve()
				.body(JSON_OBJECT);
		}
		finally {
			clear();
		}
	}

	/** Whether this thread holds no placeholder (so no secret). */
	static boolean holdsNothing() {
		return placeholders.get() == null;
	}

	/**
	 * The interceptor that puts the real values back into the encoded body. It must be the
	 * innermost interceptor that sees the body, and run on the thread that redacted the form.
	 * @return the interceptor
	 */
	static ClientHttpRequestInterceptor restoring() {
		return (request, body, execution) -> execution.execute(request, restore(body));
	}

	/**
	 * The body with this thread's placeholders replaced by the real values; the placeholders are
	 * forgotten in any case.
	 * @param body the encoded form
	 * @return the body to send
	 * @throws PlaceholderNotRestoredException when a placeholder is left
	 */
	static byte[] restore(byte[] body) throws PlaceholderNotRestoredException {
		Map<String, String> current = placeholders.get();
		placeholders.remove();
		if (current == null) {
			if (indexOf(body, PREFIX_BYTES) >= 0) {
				throw new PlaceholderNotRestoredException();
			}
			return body;
		}
		String form = new String(body, StandardCharsets.UTF_8);
		for (Map.Entry<String, String> placeholder : current.entrySet()) {
			form = form.replace(placeholder.getKey(), placeholder.getValue());
		}
		if (form.contains(PREFIX)) {
			throw new PlaceholderNotRestoredException();
		}
		return form.getBytes(StandardCharsets.UTF_8);
	}

	private static int indexOf(byte[] body, byte[] part) {
		outer: for (int i = 0; i <= body.length - part.length; i++) {
			for (int j = 0; j < part.length; j++) {
				if (body[i + j] != part[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/**
	 * A redacted request was not sent because its placeholders could not be restored. Its
	 * message names no value.
	 */
	static final class PlaceholderNotRestoredException extends IOException {

		private static final long serialVersionUID = 1L;

		static final String MESSAGE = "Withings request not sent: its redacted parameters could not be restored "
				+ "(restored on another thread than the one that redacted them, or lost)";

		PlaceholderNotRestoredException() {
			super(MESSAGE);
		}

	}

}
