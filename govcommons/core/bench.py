"""The benchmark's view of a request: how many SQL queries it ran, in the X-Bench-Queries header.

Installed first in MIDDLEWARE only when settings.BENCH_ENDPOINTS is on (never in production), so
that it counts the queries of every other middleware too (sessions, authentication).
"""

from contextlib import ExitStack

from django.db import connections

HEADER = "X-Bench-Queries"


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counting))
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response
