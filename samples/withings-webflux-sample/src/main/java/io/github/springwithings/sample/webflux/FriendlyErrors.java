package io.github.springwithings.sample.webflux;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.api.WithingsRateLimitException;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.ClientAuthorizationRequiredException;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Bad situations end on a friendly page, never a stack trace. (A revoked link needs no page: it
 * goes on to Spring Security's redirect filter, which sends the user back to Withings to sign in
 * again.)
 */
@ControllerAdvice
class FriendlyErrors {

	@ExceptionHandler(ClientAuthorizationRequiredException.class)
	Mono<String> reauthorize(ClientAuthorizationRequiredException ex) {
		return Mono.error(ex);
	}

	@ExceptionHandler(WithingsRateLimitException.class)
	@ResponseStatus(HttpStatus.TOO_MANY_REQUESTS)
	String rateLimited(WithingsRateLimitException ex, Model model) {
		return problem(model, "Withings is busy", "Too many requests right now. Please try again in "
				+ Math.max(1, ex.getWait().toSeconds()) + " seconds.");
	}

	/**
	 * Withings not reached: by the WebClient, or by the starter's revocation on disconnect (a
	 * RestClient call, made off the event loop).
	 */
	@ExceptionHandler({ WebClientRequestException.class, ResourceAccessException.class,
			ClientAuthorizationException.class })
	@ResponseStatus(HttpStatus.BAD_GATEWAY)
	String unreachable(Model model) {
		return problem(model, "Withings cannot be reached", "Withings is not answering at the moment. Please try again later.");
	}

	/**
	 * A Withings refusal: of the revocation on disconnect (the link is kept, so it can be tried
	 * again), or of an API call.
	 */
	@ExceptionHandler(WithingsApiException.class)
	@ResponseStatus(HttpStatus.BAD_GATEWAY)
	String withingsError(WithingsApiException ex, ServerWebExchange exchange, Model model) {
		if ("/disconnect".equals(exchange.getRequest().getPath().pathWithinApplication().value())) {
			return problem(model, "Not disconnected yet", "Withings did not confirm the disconnection, so your account "
					+ "is still linked. Please try again in a minute.");
		}
		return problem(model, "Withings is not answering right now",
				"Withings could not give us your data just now. Please try again in a minute.");
	}

	private static String problem(Model model, String title, String message) {
		model.addAttribute("title", title);
		model.addAttribute("message", message);
		return "problem";
	}

}
