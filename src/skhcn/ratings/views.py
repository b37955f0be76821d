from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from skhcn.core.net import client_ip
from skhcn.core.pages import page_url
from skhcn.portal.models import ArticlePage

from . import services
from .constants import VOTER_COOKIE, VOTER_COOKIE_MAX_AGE, Messages


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def vote(request, article_id: int):
    token = request.COOKIES.get(VOTER_COOKIE, "")
    if not (16 <= len(token) <= 64):
        token = services.new_voter_token()
    try:
        result = services.cast_vote(
            article_id=article_id,
            raw_score=request.POST.get("score"),
            voter_token=token,
            address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        ok, message, status = True, Messages.THANKS, 200
    except services.VoteRefused as refused:
        result = services.totals(article_id)
        ok, message, status = False, refused.message, refused.status

    article = ArticlePage.objects.live().filter(id=article_id).only("id", "url_path").first()
    if _wants_json(request):
        response = JsonResponse(
            {"ok": ok, "message": message, "points": result.points, "votes": result.votes, "line": result.line},
            status=status,
        )
    elif article is None:
        return render(request, "404.html", {"message": message}, status=404)
    else:
        (messages.success if ok else messages.error)(request, message)
        response = HttpResponseRedirect(page_url(article) + "#danh-gia", status=303)
    response.set_cookie(VOTER_COOKIE, token, max_age=VOTER_COOKIE_MAX_AGE, httponly=True, samesite="Lax")
    return response
