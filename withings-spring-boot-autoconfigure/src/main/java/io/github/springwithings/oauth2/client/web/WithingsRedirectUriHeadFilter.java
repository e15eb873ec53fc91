package io.github.springwithings.oauth2.client.web;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.util.Assert;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers {@code HEAD} on the redirect URIs of Withings registrations with 200. The Withings
 * dashboard probes the redirect URI with {@code HEAD} when an application is saved, and Spring
 * Security's login filter would treat the probe as a failed sign-in (a redirect to the login
 * page). Other methods and paths pass by. Register it before Spring Security's filter.
 */
public final class WithingsRedirectUriHeadFilter extends OncePerRequestFilter {

	private final Set<String> paths;

	/**
	 * @param paths the redirect URIs' paths, e.g. {@code /login/oauth2/code/withings}
	 */
	public WithingsRedirectUriHeadFilter(Set<String> paths) {
		Assert.notNull(paths, "paths cannot be null");
		this.paths = Set.copyOf(paths);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !"HEAD".equals(request.getMethod())
				|| !this.paths.contains(request.getRequestURI().substring(request.getContextPath().length()));
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setStatus(HttpServletResponse.SC_OK);
	}

}
