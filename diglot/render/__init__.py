"""Pages out: Jinja2 over layouts/ (the environment, its filters and the {% shared %} tag), every page, feed and sitemap planned as a job and rendered to bytes."""
