"""The demo companies as data: names, offices, functions, skills and the reporting tree.

Everything here is invented. `accord.web.demo` turns these tables into rows; the names are
drawn with a seeded random generator, so every build produces the same people.
"""

from dataclasses import dataclass

from accord.org.models import Seniority

EXEC = Seniority.EXECUTIVE
DIRECTOR = Seniority.DIRECTOR
MANAGER = Seniority.MANAGER
SENIOR = Seniority.SENIOR_IC
IC = Seniority.IC

# --- names ----------------------------------------------------------------------------------
# Drawn without replacement, so no two people in the demo share a first or a last name.
# fmt: off
FIRST_NAMES = [
    "Amara", "Mateo", "Priya", "Liam", "Sofia", "Kenji", "Aisling", "Tomás", "Nadia", "Jamal",
    "Ingrid", "Rafael", "Mei", "Oluwaseun", "Hannah", "Arjun", "Camila", "Declan", "Yasmin",
    "Dmitri", "Leila", "Marcus", "Ana", "Hiroshi", "Chloe", "Kwame", "Elena", "Samuel", "Fatima",
    "Niamh", "Diego", "Grace", "Tariq", "Lucía", "Owen", "Anika", "Jonah", "Zainab", "Felix",
    "Rosa", "Ciarán", "Mina", "Gabriel", "Aaliyah", "Viktor", "Isabel", "Rohan", "Naomi", "Emeka",
    "Julia", "Andrés", "Keiko", "Malik", "Freya", "Santiago", "Laila", "Patrick", "Thandiwe",
    "Noah", "Ximena", "Ravi", "Maeve", "Jun", "Adaeze", "Lukas", "Carmen", "Omar", "Sienna",
    "Hamid", "Beatriz", "Ethan", "Yuki", "Darius", "Esther", "Kofi", "Paloma", "Reza", "Astrid",
    "Bilal", "Imani", "Connor", "Valentina", "Sanjay", "Ayesha", "Tobias", "Nia", "Luis",
    "Saoirse", "Wei", "Bianca", "Idris", "Helena", "Kai", "Marisol", "Farid", "Olivia", "Chidi",
    "Inês", "Vikram", "Lena", "Ezra", "Aroha", "Pedro", "Sakura", "Dominic", "Amina", "Stefan",
    "Zara", "Nikhil", "Rebecca", "Musa", "Eva", "Joaquín", "Tessa", "Anton", "Divya", "Caleb",
    "Noor", "Henrik", "Lucy", "Kamal", "Sinéad", "Alejandro", "Mariam", "Jasper", "Ayodele",
    "Clara", "Rahul",
]

LAST_NAMES = [
    "Okafor", "Nguyen", "Fitzgerald", "Ramírez", "Kowalski", "Tanaka", "Haddad", "Lindqvist",
    "Mensah", "O'Brien", "Petrova", "Castillo", "Chen", "Adeyemi", "Novak", "Sharma", "Moreau",
    "Kim", "Delgado", "Byrne", "Hassan", "Schmidt", "Osei", "Rossi", "Yamamoto", "Patel",
    "Gallagher", "Santos", "Ivanova", "Dlamini", "Herrera", "Walsh", "Park", "Abdullah",
    "Johansson", "Mwangi", "Reyes", "Kaur", "Brennan", "Leclerc", "Suzuki", "Ortiz", "Farouk",
    "Nakamura", "Kelly", "Mendoza", "Singh", "Dubois", "Eze", "López", "Kovač", "Murphy",
    "Alvarez", "Rahman", "Holm", "Nwosu", "Torres", "Lee", "Gupta", "Sullivan", "Pereira",
    "Wójcik", "Takahashi", "Boateng", "Carvalho", "Quinn", "Morales", "Andersen", "Iyer", "Hughes",
    "Vargas", "Ali", "Jensen", "Owusu", "Romero", "Cho", "Das", "Doyle", "Medina", "Nielsen",
    "Afolabi", "Silva", "Horvath", "Mukherjee", "Ross", "Navarro", "Zhou", "Bello", "Flores",
    "Kaplan", "Rivera", "Sato", "Ahmed", "Moore", "Kruger", "Banerjee", "Cruz", "Okoro",
    "Lindgren", "Wu", "Jiménez", "Hayes", "Fernandes", "Abebe", "Costa", "Müller", "Greene",
    "Tran", "Yilmaz", "Sokolov", "Nair", "Bergström", "Campbell", "Adebayo", "Vasquez", "Ward",
    "Huang", "Ferreira", "Cohen", "Chowdhury",
]
# fmt: on


# --- offices --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Office:
    location: str
    timezone: str


OFFICES = {
    "PDX": Office("Portland, OR", "America/Los_Angeles"),
    "CHI": Office("Chicago, IL", "America/Chicago"),
    "DUB": Office("Dublin, Ireland", "Europe/Dublin"),
    "BOS": Office("Boston, MA", "America/New_York"),
}

# Someone marked "remote" lives in one of these, chosen by the seeded generator.
REMOTE = [
    Office("Remote (Denver, CO)", "America/Denver"),
    Office("Remote (Atlanta, GA)", "America/New_York"),
    Office("Remote (Austin, TX)", "America/Chicago"),
    Office("Remote (Toronto, ON)", "America/Toronto"),
    Office("Remote (Lisbon, Portugal)", "Europe/Lisbon"),
]


# --- skills ---------------------------------------------------------------------------------

LEADERSHIP_SKILLS = ["People leadership", "Strategic planning"]
SHARED_SKILLS = [
    "Stakeholder management",
    "Data analysis",
    "Project management",
    "Public speaking",
    "Change management",
    "Written communication",
]


# --- the reporting tree ---------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """A position in the tree. `function` is inherited from the manager's post when empty."""

    title: str
    seniority: int
    office: str  # a key of OFFICES, or "remote"
    reports: tuple["Post", ...] = ()
    function: str = ""
    leads_function: bool = False
    login: str = ""  # the demo login (email) that is this person
    skills: tuple[str, ...] = ()  # what the job is about; the rest come from the function


def post(
    title: str,
    seniority: int,
    office: str,
    *reports: Post,
    function: str = "",
    leads: bool = False,
    login: str = "",
    skills: tuple[str, ...] = (),
) -> Post:
    return Post(
        title=title,
        seniority=seniority,
        office=office,
        reports=reports,
        function=function,
        leads_function=leads,
        login=login,
        skills=skills,
    )


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    description: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class Company:
    """A demo organization; its workspace name and slug live with the logins in demo.py."""

    email_domain: str
    functions: tuple[FunctionSpec, ...]
    top: Post


# The tables below are laid out by hand to read like an org chart, so the formatter keeps out.
# fmt: off

BRIGHTWATER_FUNCTIONS = (
    FunctionSpec(
        "Sales",
        "We sell Brightwater to retailers, grocers and online marketplaces, and own each "
        "account from the first call to the signed purchase order and every reorder after it.",
        ("Account management", "Negotiation", "Pipeline forecasting", "Wholesale pricing",
         "Salesforce", "Prospecting"),
    ),
    FunctionSpec(
        "Marketing",
        "We build the brand and bring shoppers to brightwater.example and to our retail "
        "partners' shelves: campaigns, content, email, paid social and trade promotions.",
        ("Brand strategy", "Copywriting", "Paid social", "SEO", "Email marketing",
         "Marketing analytics", "Trade marketing"),
    ),
    FunctionSpec(
        "Operations",
        "We buy the materials, work with our manufacturers, keep the right stock in the "
        "Chicago warehouse and get every order out the door on time and undamaged.",
        ("Demand planning", "Inventory management", "Procurement", "Logistics",
         "Supplier management", "Lean operations", "NetSuite"),
    ),
    FunctionSpec(
        "Finance",
        "We close the books every month, plan the budget with each team, set prices with "
        "Sales and keep an eye on cash, margin and the cost of every promotion.",
        ("Financial modeling", "Budgeting", "Month-end close", "Pricing analysis",
         "GAAP accounting", "Excel", "SQL"),
    ),
    FunctionSpec(
        "People",
        "We hire, onboard, pay and look after everyone at Brightwater, and help managers "
        "grow their teams in Portland, Chicago, Dublin and remote.",
        ("Recruiting", "Compensation and benefits", "Employee relations", "Onboarding",
         "HR compliance", "Learning and development"),
    ),
    FunctionSpec(
        "Engineering",
        "We build and run the online store, the wholesale ordering portal and the "
        "integrations with our warehouse, marketplaces and finance systems.",
        ("Python", "TypeScript", "Shopify", "System integration", "Cloud infrastructure",
         "Data pipelines", "SQL"),
    ),
    FunctionSpec(
        "Customer Success",
        "We answer shoppers and retail buyers in the US and Europe, fix what went wrong with "
        "their orders and tell the rest of the company what customers keep asking for.",
        ("Customer support", "Zendesk", "Customer onboarding", "Renewal management",
         "Customer insights", "Account management"),
    ),
    FunctionSpec(
        "Product",
        "We decide what the online store and the wholesale portal do next, research how "
        "shoppers and buyers use them, and design the experience.",
        ("Product discovery", "Roadmapping", "UX research", "Interaction design", "Prototyping",
         "Experimentation"),
    ),
)

BRIGHTWATER_TOP = post(
    "Chief Executive Officer", EXEC, "PDX",
    post(
        "Chief Operating Officer", EXEC, "PDX",
        post(
            "Director of Supply Chain", DIRECTOR, "CHI",
            post(
                "Procurement Manager", MANAGER, "CHI",
                post("Senior Buyer", SENIOR, "CHI", skills=("Procurement",)),
                post("Buyer", IC, "CHI", skills=("Procurement",)),
                post("Demand Planner", IC, "remote", skills=("Demand planning",)),
                skills=("Procurement", "Supplier management"),
            ),
            post(
                "Logistics Manager", MANAGER, "CHI",
                post("Senior Logistics Coordinator", SENIOR, "CHI", skills=("Logistics",)),
                post("Logistics Coordinator", IC, "CHI", skills=("Logistics",)),
                post("Inventory Analyst", IC, "CHI", skills=("Inventory management",)),
                skills=("Logistics",),
            ),
            post(
                "Fulfillment Operations Manager", MANAGER, "CHI",
                post("Warehouse Operations Lead", SENIOR, "CHI", skills=("Lean operations",)),
                post("Quality Assurance Specialist", IC, "CHI", skills=("Lean operations",)),
                post("Fulfillment Coordinator", IC, "CHI", skills=("Inventory management",)),
                skills=("Lean operations", "Inventory management"),
            ),
            skills=("Supplier management", "Demand planning"),
        ),
        post(
            "Head of People Operations", DIRECTOR, "PDX",
            post(
                "Talent Acquisition Manager", MANAGER, "PDX",
                post("Senior Recruiter", SENIOR, "PDX", skills=("Recruiting",)),
                post("Recruiter", IC, "remote", skills=("Recruiting",)),
                post("Recruiting Coordinator", IC, "DUB", skills=("Recruiting", "Onboarding")),
                skills=("Recruiting",),
            ),
            post("Senior People Partner", SENIOR, "CHI", skills=("Employee relations",)),
            post("People Operations Specialist", IC, "PDX", skills=("HR compliance",)),
            function="People", leads=True, login="admin@brightwater.example",
            skills=("Employee relations", "Compensation and benefits"),
        ),
        post("Senior Business Operations Analyst", SENIOR, "PDX", skills=("Data analysis",)),
        function="Operations", leads=True, login="owner@brightwater.example",
        skills=("Supplier management", "Lean operations"),
    ),
    post(
        "Chief Financial Officer", EXEC, "PDX",
        post(
            "Controller", DIRECTOR, "PDX",
            post("Senior Accountant", SENIOR, "PDX", skills=("Month-end close",)),
            post("Staff Accountant", IC, "PDX", skills=("GAAP accounting",)),
            post("Accounts Payable Specialist", IC, "remote", skills=("Month-end close",)),
            post("Payroll Specialist", IC, "DUB", skills=("GAAP accounting",)),
            skills=("GAAP accounting", "Month-end close"),
        ),
        post(
            "FP&A Manager", MANAGER, "CHI",
            post("Senior Financial Analyst", SENIOR, "CHI", skills=("Financial modeling",)),
            post(
                "Financial Analyst", IC, "CHI", login="viewer@brightwater.example",
                skills=("Budgeting", "Excel"),
            ),
            post("Financial Analyst", IC, "DUB", skills=("Financial modeling",)),
            skills=("Financial modeling", "Budgeting"),
        ),
        post("Senior Pricing Analyst", SENIOR, "PDX", skills=("Pricing analysis",)),
        function="Finance", leads=True, skills=("Financial modeling",),
    ),
    post(
        "Chief Marketing Officer", EXEC, "PDX",
        post(
            "Director of Brand and Content", DIRECTOR, "PDX",
            post(
                "Content Marketing Manager", MANAGER, "PDX",
                post("Senior Copywriter", SENIOR, "remote", skills=("Copywriting",)),
                post("Content Designer", IC, "PDX", skills=("Brand strategy",)),
                post("Social Media Specialist", IC, "PDX", skills=("Paid social",)),
                login="member@brightwater.example", skills=("Copywriting", "SEO"),
            ),
            post("Senior Brand Designer", SENIOR, "PDX", skills=("Brand strategy",)),
            post("PR and Communications Specialist", IC, "DUB", skills=("Copywriting",)),
            skills=("Brand strategy",),
        ),
        post(
            "E-commerce Marketing Manager", MANAGER, "PDX",
            post("Senior SEO Specialist", SENIOR, "remote", skills=("SEO",)),
            post("Lifecycle Marketing Specialist", IC, "PDX", skills=("Email marketing",)),
            post("Paid Social Specialist", IC, "DUB", skills=("Paid social",)),
            skills=("Marketing analytics", "Paid social"),
        ),
        post("Senior Marketing Analyst", SENIOR, "CHI", skills=("Marketing analytics",)),
        post("Trade Marketing Manager", SENIOR, "CHI", skills=("Trade marketing",)),
        function="Marketing", leads=True, skills=("Brand strategy",),
    ),
    post(
        "Chief Technology Officer", EXEC, "PDX",
        post(
            "Engineering Manager, Storefront", MANAGER, "PDX",
            post("Staff Software Engineer", SENIOR, "PDX", skills=("Shopify", "TypeScript")),
            post("Senior Software Engineer", SENIOR, "remote", skills=("TypeScript",)),
            post("Software Engineer", IC, "PDX", skills=("TypeScript",)),
            post("Software Engineer", IC, "remote", skills=("Shopify",)),
            skills=("Shopify",),
        ),
        post(
            "Engineering Manager, Platform and Integrations", MANAGER, "remote",
            post("Senior Software Engineer", SENIOR, "CHI", skills=("System integration",)),
            post("Software Engineer", IC, "PDX", skills=("Python",)),
            post("Site Reliability Engineer", SENIOR, "remote",
                 skills=("Cloud infrastructure",)),
            skills=("System integration", "Python"),
        ),
        post(
            "Data Engineering Manager", MANAGER, "DUB",
            post("Senior Data Engineer", SENIOR, "DUB", skills=("Data pipelines",)),
            post("Analytics Engineer", IC, "DUB", skills=("SQL", "Data pipelines")),
            post("Data Analyst", IC, "remote", skills=("SQL",)),
            skills=("Data pipelines",),
        ),
        function="Engineering", leads=True, skills=("Cloud infrastructure",),
    ),
    post(
        "Chief Revenue Officer", EXEC, "CHI",
        post(
            "Director of Wholesale Sales", DIRECTOR, "CHI",
            post("Senior Account Executive", SENIOR, "CHI", skills=("Negotiation",)),
            post("Account Executive", IC, "CHI", skills=("Account management",)),
            post("Account Executive, EMEA", IC, "DUB", skills=("Account management",)),
            post("Sales Development Representative", IC, "CHI", skills=("Prospecting",)),
            post("Sales Operations Analyst", IC, "PDX", skills=("Salesforce",)),
            skills=("Negotiation", "Wholesale pricing"),
        ),
        post(
            "Marketplace Sales Manager", MANAGER, "remote",
            post("Senior Marketplace Account Manager", SENIOR, "remote",
                 skills=("Account management",)),
            post("Marketplace Account Manager", IC, "PDX", skills=("Account management",)),
            post("Channel Sales Coordinator", IC, "CHI", skills=("Salesforce",)),
            skills=("Pipeline forecasting",),
        ),
        post(
            "Director of Customer Success", DIRECTOR, "DUB",
            post(
                "Customer Support Manager", MANAGER, "DUB",
                post("Senior Support Specialist", SENIOR, "DUB", skills=("Zendesk",)),
                post("Support Specialist", IC, "DUB", skills=("Customer support",)),
                post("Support Specialist", IC, "PDX", skills=("Customer support",)),
                post("Support Specialist", IC, "remote", skills=("Zendesk",)),
                skills=("Customer support",),
            ),
            post("Senior Customer Success Manager", SENIOR, "CHI",
                 skills=("Renewal management",)),
            post("Customer Success Manager", IC, "CHI", skills=("Customer onboarding",)),
            function="Customer Success", leads=True, skills=("Customer insights",),
        ),
        function="Sales", leads=True, skills=("Negotiation", "Pipeline forecasting"),
    ),
    post(
        "Head of Product", DIRECTOR, "PDX",
        post("Senior Product Manager", SENIOR, "PDX", skills=("Roadmapping",)),
        post("Product Manager, Wholesale Portal", IC, "CHI", skills=("Product discovery",)),
        post("Product Manager, Storefront", IC, "PDX", skills=("Experimentation",)),
        post("Senior Product Designer", SENIOR, "remote", skills=("Interaction design",)),
        post("Product Designer", IC, "PDX", skills=("Prototyping",)),
        post("UX Researcher", IC, "DUB", skills=("UX research",)),
        function="Product", leads=True, skills=("Roadmapping",),
    ),
    skills=("Public speaking", "Negotiation"),
)

HARBOR_FUNCTIONS = (
    FunctionSpec(
        "Engineering",
        "We build the apps our clients ship, and keep them running after launch.",
        ("Python", "TypeScript", "React", "Cloud infrastructure", "Test automation"),
    ),
    FunctionSpec(
        "Design",
        "We research what our clients' users need and design what Engineering builds.",
        ("Interaction design", "Prototyping", "UX research", "Visual design"),
    ),
    FunctionSpec(
        "Client Services",
        "We scope the work with clients, plan it and keep every project on time and budget.",
        ("Client communication", "Scoping and estimation", "Project management",
         "Account management"),
    ),
)

HARBOR_TOP = post(
    "Founder and CEO", EXEC, "BOS",
    post(
        "Head of Engineering", DIRECTOR, "BOS",
        post("Senior Software Engineer", SENIOR, "BOS", skills=("Python",)),
        post("Software Engineer", IC, "remote", skills=("React",)),
        post("QA Engineer", IC, "BOS", skills=("Test automation",)),
        function="Engineering", leads=True, skills=("Cloud infrastructure",),
    ),
    post(
        "Design Director", DIRECTOR, "BOS",
        post("Senior Product Designer", SENIOR, "BOS", skills=("Interaction design",)),
        post("Product Designer", IC, "remote", skills=("Visual design",)),
        post("Design Researcher", IC, "BOS", skills=("UX research",)),
        function="Design", leads=True, skills=("Interaction design",),
    ),
    post(
        "Head of Client Services", DIRECTOR, "BOS",
        post("Client Partner", SENIOR, "BOS", skills=("Account management",)),
        post("Project Manager", IC, "BOS", skills=("Project management",)),
        function="Client Services", leads=True, skills=("Scoping and estimation",),
    ),
    skills=("Client communication",),
)

# fmt: on

BRIGHTWATER = Company(
    email_domain="brightwater.example",
    functions=BRIGHTWATER_FUNCTIONS,
    top=BRIGHTWATER_TOP,
)

HARBOR = Company(
    email_domain="harborlabs.example",
    functions=HARBOR_FUNCTIONS,
    top=HARBOR_TOP,
)
