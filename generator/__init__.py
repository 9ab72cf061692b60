"""govreport: annual reports on government information disclosure (政府信息公开工作年度报告).

Stages: `model` (the YAML contract) → `checks` (rule table, located findings) → `document` (the report as
headings, paragraphs and tables) → `writers` (HTML, PDF, DOCX) → `cli`. `pipeline` is the public API.
"""

__version__ = "0.1.0"
